import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
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

/** A transaction DynamoDB cancelled, with one reason per item as it reports them. */
const cancelled = (...codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('an activity write checked against the erasure markers', () => {
  it('checks every contact number first, then writes the activity and the group timeline entry in one transaction', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    expect((await repository().upsertActivity(groupMessage, createdAt)).outcome).toBe('applied');

    const [call] = dynamo.commandCalls(TransactWriteCommand);
    const items = call!.args[0].input.TransactItems!;
    expect(items.map((item) => Object.keys(item)[0])).toEqual([
      'ConditionCheck',
      'ConditionCheck',
      'Update',
      'Put',
    ]);
    expect(items[0]!.ConditionCheck).toMatchObject({
      Key: { pk: 'NUMBER#+15552223333', sk: 'ERASURE' },
      ConditionExpression: 'attribute_not_exists(#erasedAt) OR #erasedAt < :at',
      ExpressionAttributeValues: { ':at': createdAt },
    });
    expect(items[3]!.Put!.Item).toMatchObject({ pk: 'ACTIVITY#ACgroup', sk: 'TIMELINE#+15553334444' });
  });

  it('answers erased, and writes nothing more, when a marker check fails', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None', 'None'));

    expect(await repository().upsertActivity(groupMessage, createdAt)).toEqual({
      outcome: 'erased',
      appliedAspects: [],
      staleAspects: ['status'],
    });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('tries again when another transaction held the marker (a burst for one person)', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('TransactionConflict', 'None', 'None', 'None'))
      .resolves({});
    dynamo.on(GetCommand).resolves({});

    expect((await repository().upsertActivity(groupMessage, createdAt)).outcome).toBe('applied');
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });
});
