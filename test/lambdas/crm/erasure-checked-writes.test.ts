import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import type { ActivityUpdate } from '../../../lambdas/crm/domain/activity';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(documents);
afterEach(() => dynamo.reset());

const createdAt = '2026-11-20T10:00:00.000Z';
const groupMessage: ActivityUpdate = {
  activityId: 'ACgroup',
  source: 'webhook',
  facts: { kind: 'message', contactNumbers: ['+15552223333', '+15553334444'], createdAt, text: 'hi all' },
  aspects: { status: 'delivered' },
};
const repository = () => new ActivityRepository(documents, 'crm');
const markers = (...erasedAt: string[]) => ({
  Responses: { crm: erasedAt.map((at, i) => ({ pk: `NUMBER#+1555${i}`, sk: 'ERASURE', erasedAt: at })) },
});

describe('an activity write checked against the erasure markers', () => {
  it('reads every contact number’s marker strongly consistent first, then writes without a transaction', async () => {
    dynamo.on(BatchGetCommand).resolves(markers());
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(BatchWriteCommand).resolves({});

    expect((await repository().upsertActivity(groupMessage, createdAt)).outcome).toBe('applied');

    const order = dynamo.calls().map((call) => call.args[0].constructor.name);
    expect(order).toEqual(['BatchGetCommand', 'UpdateCommand', 'BatchWriteCommand']);
    expect(dynamo.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems!.crm).toEqual({
      Keys: [
        { pk: 'NUMBER#+15552223333', sk: 'ERASURE' },
        { pk: 'NUMBER#+15553334444', sk: 'ERASURE' },
      ],
      ConsistentRead: true,
    });
    const [entries] = dynamo.commandCalls(BatchWriteCommand);
    expect(entries!.args[0].input.RequestItems!.crm![0]!.PutRequest!.Item).toMatchObject({
      pk: 'ACTIVITY#ACgroup',
      sk: 'TIMELINE#+15553334444',
    });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers erased, and writes nothing, when a number was erased at or after the activity’s creation', async () => {
    dynamo.on(BatchGetCommand).resolves(markers('2026-11-01T00:00:00.000Z', createdAt));

    expect(await repository().upsertActivity(groupMessage, createdAt)).toEqual({
      outcome: 'erased',
      appliedAspects: [],
      staleAspects: ['status'],
      listsEvent: false,
    });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it('writes an activity created after the number’s erasure', async () => {
    dynamo.on(BatchGetCommand).resolves(markers('2026-11-20T09:59:59.999Z'));
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(BatchWriteCommand).resolves({});

    expect((await repository().upsertActivity(groupMessage, createdAt)).outcome).toBe('applied');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });
});
