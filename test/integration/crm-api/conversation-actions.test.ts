import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import {
  ActivityRepository,
  ContactRepository,
  ConversationRepository,
  DirectoryRepository,
  ErasureRepository,
  SuppressionListRepository,
} from '../../../lambdas/crm';
import { createCrmApiHandler, interactiveOpenPhoneClient, MediaLinks } from '../../../lambdas/crm-api';
import { localAwsConfig } from '../../../local/local-pipeline';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { changeFromWebhook } from '../../support/crm-changes';
import { crmApiCaller, type CrmApiAnswer } from '../../support/crm-api';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { legacyEvent, messageObject, quoEventOf, taskObject } from '../../support/openphone-payloads';

jest.setTimeout(60_000);

let simulator: OpenPhoneSimulator;
let conversations: ConversationRepository;
let activities: ActivityRepository;
let call: ReturnType<typeof crmApiCaller>;
let clock = new Date('2026-12-07T16:30:00Z');

beforeAll(async () => {
  simulator = await startOpenPhoneSimulator({
    seed: 24,
    workspace: { phoneNumbers: 1, conversationsPerNumber: 6 },
  });
  const names = await createBridgeTables();
  const documents = localDocumentClient();
  const crmTable = tableNamed(names, 'CrmTable');
  conversations = new ConversationRepository(documents, crmTable, { now: () => clock });
  activities = new ActivityRepository(documents, crmTable);
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  // The Lambda's own client: the interactive lane of the shared bucket on DynamoDB Local.
  const openPhone = interactiveOpenPhoneClient({
    apiKey: simulator.apiKey,
    baseUrl: simulator.url,
    dynamo: new DynamoDBClient(localAwsConfig(process.env.DYNAMODB_ENDPOINT!)),
    rateLimitTable: tableNamed(names, 'RateLimit'),
  });
  call = crmApiCaller(
    createCrmApiHandler({
      activities,
      contacts: new ContactRepository(documents, crmTable),
      suppressionList: new SuppressionListRepository(documents, crmTable),
      mediaLinks: new MediaLinks(s3, 'media-bucket'),
      directory: new DirectoryRepository(documents, crmTable),
      erasure: new ErasureRepository(documents, crmTable, { s3, mediaBucket: 'media-bucket' }),
      conversations,
      openPhoneConversations: {
        mark: (id, state) => openPhone.conversationState.mark(id, state),
        createTask: (input) => openPhone.tasks.create(input),
        listTasks: (filters) => openPhone.tasks.listPage(filters),
      },
      now: () => clock,
      logger: new Logger({ logLevel: 'SILENT' }),
    }),
  );
}, 120_000);
afterAll(() => simulator.stop());

/** A simulated conversation the CRM holds as waiting on an inbound text at `at`. */
async function waitingConversation(index: number, at: string, id = `ACin${index}`) {
  const conversation = simulator.workspace.conversations()[index]!;
  await conversations.recordActivity(inbound(conversation.id, conversation.participant, id, at));
  return conversation;
}

function inbound(conversationId: string, from: string, id: string, at: string) {
  return changeFromWebhook(
    legacyEvent(
      'message.received',
      messageObject({ id, conversationId, from, media: [], createdAt: at }),
      at,
    ),
  ).update;
}

const body = (answer: CrmApiAnswer) => answer.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('POST /v1/conversations/{id}/done and /open', () => {
  it('marks a waiting conversation done in OpenPhone and ends its wait without counting an answer', async () => {
    const conversation = await waitingConversation(0, '2026-12-07T16:00:00.000Z');
    expect((await conversations.conversation(conversation.id))?.waiting).toBe(true);

    const done = await call('POST', `/v1/conversations/${conversation.id}/done`);
    expect(done.status).toBe(200);
    expect(body(done).conversation).toMatchObject({
      id: conversation.id,
      waiting: false,
      overdue: false,
      inboxStatus: 'done',
    });
    expect(body(done).conversation.lastAnswer).toBeUndefined();
    expect(simulator.workspace.conversationById(conversation.id)?.inboxStatus).toBe('done');
    const queue = await call('GET', '/v1/conversations?waiting=true');
    expect(body(queue).items.map((c: { id: string }) => c.id)).not.toContain(conversation.id);
  });

  it('keeps a late webhook of a text from before "done" from reopening the wait; a newer text does', async () => {
    const conversation = await waitingConversation(1, '2026-12-07T16:00:00.000Z');
    expect((await call('POST', `/v1/conversations/${conversation.id}/done`, { body: {} })).status).toBe(200);
    await conversations.recordActivity(
      inbound(conversation.id, conversation.participant, 'AClate1', '2026-12-07T16:10:00.000Z'),
    );
    expect((await conversations.conversation(conversation.id))?.waiting).toBe(false);

    clock = new Date('2026-12-07T16:45:00Z');
    await conversations.recordActivity(
      inbound(conversation.id, conversation.participant, 'ACnext1', '2026-12-07T16:40:00.000Z'),
    );
    expect(await conversations.conversation(conversation.id)).toMatchObject({
      waiting: true,
      waitingSince: '2026-12-07T16:40:00.000Z',
    });
  });

  it('marks it open in OpenPhone and the CRM, which does not start a wait', async () => {
    const conversation = await waitingConversation(2, '2026-12-07T16:00:00.000Z');
    await call('POST', `/v1/conversations/${conversation.id}/done`);
    const open = await call('POST', `/v1/conversations/${conversation.id}/open`);
    expect(open.status).toBe(200);
    expect(body(open).conversation).toMatchObject({ waiting: false, inboxStatus: 'open' });
    expect(simulator.workspace.conversationById(conversation.id)?.inboxStatus).toBe('open');
  });

  it('answers 404 for an unknown conversation and 409 for one without a CN id, telling OpenPhone nothing', async () => {
    const before = simulator.requestLog.entries.length;
    const unknown = await call('POST', '/v1/conversations/CNnobody/done');
    expect(unknown.status).toBe(404);
    expect(body(unknown).error).toBe('not_found');

    const update = inbound('', '+15550109999', 'ACnocn1', '2026-12-07T16:00:00.000Z');
    const withoutId = { ...update, facts: { ...update.facts, conversationId: undefined } };
    await conversations.recordActivity(withoutId);
    const key = `${update.facts.phoneNumberId}~+15550109999`;
    const noCn = await call('POST', `/v1/conversations/${encodeURIComponent(key)}/done`);
    expect(noCn.status).toBe(409);
    expect(body(noCn)).toMatchObject({
      error: 'no_openphone_conversation',
      message: expect.stringMatching(/CN/),
    });
    expect((await conversations.conversation(key))?.waiting).toBe(true);
    expect(simulator.requestLog.entries.length).toBe(before);
  });

  it('answers 502 with OpenPhone status when OpenPhone refuses, and records nothing', async () => {
    // A conversation the CRM knows but the simulated OpenPhone does not: it answers 404.
    await conversations.recordActivity(
      inbound('CNgoneatopenphone', '+15550108888', 'ACgone1', '2026-12-07T16:00:00.000Z'),
    );
    const before = await conversations.conversation('CNgoneatopenphone');
    const refused = await call('POST', '/v1/conversations/CNgoneatopenphone/done');
    expect(refused.status).toBe(502);
    expect(body(refused)).toMatchObject({ error: 'openphone_refused', status: 404 });
    expect(await conversations.conversation('CNgoneatopenphone')).toEqual(before);
  });

  it('refuses a body other than {} naming it, and changes nothing', async () => {
    const conversation = await waitingConversation(3, '2026-12-07T16:00:00.000Z');
    const refused = await call('POST', `/v1/conversations/${conversation.id}/done`, {
      body: { status: 'x' },
    });
    expect(refused.status).toBe(400);
    expect(body(refused).field).toBe('body');
    expect((await conversations.conversation(conversation.id))?.waiting).toBe(true);
  });
});

describe('POST and GET /v1/conversations/{id}/tasks', () => {
  it("creates the task in OpenPhone, records it on the conversation's timeline and lists it", async () => {
    const conversation = await waitingConversation(4, '2026-12-07T16:00:00.000Z');
    const assignee = simulator.workspace.users[0]!.id;
    const created = await call('POST', `/v1/conversations/${conversation.id}/tasks`, {
      body: {
        title: 'Call back about the quote',
        description: 'Wants Saturday',
        dueAt: '2026-12-08T09:00:00-06:00',
        assignedTo: assignee,
      },
    });
    expect(created.status).toBe(201);
    const task = body(created).task;
    expect(task).toMatchObject({
      id: expect.stringMatching(/^TK/),
      conversationId: conversation.id,
      title: 'Call back about the quote',
      dueAt: '2026-12-08T09:00:00-06:00',
      assignedTo: assignee,
      completed: false,
    });
    expect(simulator.workspace.tasks.get(task.id)).toMatchObject({ conversationId: conversation.id });

    const timeline = await call('GET', `/v1/conversations/${conversation.id}/activities`);
    const onTimeline = body(timeline).items.filter((a: { kind: string }) => a.kind === 'task');
    expect(onTimeline.map((a: { id: string }) => a.id)).toEqual([task.id]);

    const listed = await call('GET', `/v1/conversations/${conversation.id}/tasks`);
    expect(listed.status).toBe(200);
    expect(body(listed).items).toEqual([expect.objectContaining({ id: task.id, title: task.title })]);
  });

  it('a later task.created webhook for it updates the same activity instead of adding one', async () => {
    const conversation = await waitingConversation(5, '2026-12-07T16:00:00.000Z');
    const created = await call('POST', `/v1/conversations/${conversation.id}/tasks`, {
      body: { title: 'Send the invoice' },
    });
    const { id } = body(created).task as { id: string };
    const webhook = changeFromWebhook(
      quoEventOf(
        'task.created',
        taskObject({
          taskId: id,
          title: 'Send the invoice',
          conversationId: conversation.id,
          createdAt: '2026-12-07T16:30:00.000Z',
        }),
        '2026-12-07T16:30:01.000Z',
      ),
    );
    await activities.upsertActivity(webhook.update, webhook.eventTime);
    const timeline = await call('GET', `/v1/conversations/${conversation.id}/activities`);
    expect(
      body(timeline)
        .items.filter((a: { kind: string }) => a.kind === 'task')
        .map((a: { id: string }) => a.id),
    ).toEqual([id]);
  });

  it('refuses a bad task naming the field, sending nothing', async () => {
    const conversation = simulator.workspace.conversations()[0]!;
    const before = simulator.requestLog.entries.length;
    for (const [bad, field] of [
      [{}, 'title'],
      [{ title: 'x'.repeat(201) }, 'title'],
      [{ title: 'ok', dueAt: 'tomorrow' }, 'dueAt'],
      [{ title: 'ok', assignedTo: 'bob' }, 'assignedTo'],
      [{ title: 'ok', color: 'red' }, 'color'],
    ] as const) {
      const refused = await call('POST', `/v1/conversations/${conversation.id}/tasks`, { body: bad });
      expect([field, refused.status, body(refused).field]).toEqual([field, 400, field]);
    }
    expect(simulator.requestLog.entries.length).toBe(before);
  });

  it('passes a task OpenPhone refuses on as 502 with its status and message, and records nothing', async () => {
    const conversation = simulator.workspace.conversations()[1]!;
    const tasksBefore = simulator.workspace.tasks.list().length;
    const timelineBefore = body(await call('GET', `/v1/conversations/${conversation.id}/activities`)).items;
    const refused = await call('POST', `/v1/conversations/${conversation.id}/tasks`, {
      body: { title: 'Follow up', assignedTo: 'USnotamember' },
    });
    expect(refused.status).toBe(502);
    expect(body(refused)).toMatchObject({
      error: 'openphone_refused',
      status: 400,
      message: expect.stringMatching(/OpenPhone refused the task creation: .*assignedTo/),
    });
    expect(simulator.workspace.tasks.list()).toHaveLength(tasksBefore);
    expect(body(await call('GET', `/v1/conversations/${conversation.id}/activities`)).items).toEqual(
      timelineBefore,
    );
  });
});
