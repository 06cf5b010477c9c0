import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  batchGetAll,
  batchWriteAll,
  cancellationReasons,
  isConditionFailure,
  isTransactionConditionFailure,
  isTransactionConflict,
  UnprocessedBatchError,
  UpdateExpressionBuilder,
} from '../../../lambdas/shared/dynamo';

const cancelled = (...codes: string[]) =>
  Object.assign(new Error('cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('DynamoDB condition checks', () => {
  it('recognise a refused condition by name, whatever copy of the SDK threw it', () => {
    expect(isConditionFailure({ name: 'ConditionalCheckFailedException' })).toBe(true);
    expect(isConditionFailure(new Error('ConditionalCheckFailedException'))).toBe(false);
    expect(isConditionFailure(undefined)).toBe(false);
  });

  it('tell a transaction refused by a condition from one refused for another reason', () => {
    expect(cancellationReasons(cancelled('None', 'ConditionalCheckFailed'))).toEqual([
      'None',
      'ConditionalCheckFailed',
    ]);
    expect(isTransactionConditionFailure(cancelled('None', 'ConditionalCheckFailed'))).toBe(true);
    expect(isTransactionConditionFailure(cancelled('ValidationError'))).toBe(false);
    expect(isTransactionConflict(cancelled('TransactionConflict'))).toBe(true);
    expect(isTransactionConflict({ name: 'TransactionConflictException' })).toBe(true);
    expect(isTransactionConflict(cancelled('ThrottlingError'))).toBe(false);
    expect(cancellationReasons(new Error('other'))).toBeUndefined();
  });
});

describe('UpdateExpressionBuilder', () => {
  it('numbers placeholders, reuses a name and joins SET, ADD, REMOVE and conditions', () => {
    const update = new UpdateExpressionBuilder();
    const status = update.set('status', 'delivered');
    update.setIfAbsent('createdAt', '2026-01-01');
    update.add('attempts', 1);
    update.remove('failure');
    update.when(`attribute_not_exists(${status.name}) OR ${status.name} <> ${status.value}`);
    expect(update.input()).toEqual({
      UpdateExpression: 'SET #n0 = :v1, #n2 = if_not_exists(#n2, :v3) ADD #n4 :v5 REMOVE #n6',
      ConditionExpression: 'attribute_not_exists(#n0) OR #n0 <> :v1',
      ExpressionAttributeNames: { '#n0': 'status', '#n2': 'createdAt', '#n4': 'attempts', '#n6': 'failure' },
      ExpressionAttributeValues: { ':v1': 'delivered', ':v3': '2026-01-01', ':v5': 1 },
    });
  });

  it('leaves out the values and the condition when there are none', () => {
    const update = new UpdateExpressionBuilder();
    update.remove('claim');
    expect(update.input()).toEqual({
      UpdateExpression: 'REMOVE #n0',
      ExpressionAttributeNames: { '#n0': 'claim' },
    });
  });
});

describe('batch writes and reads (injected unprocessed items)', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const pauses: number[] = [];
  const sleep = async (ms: number) => void pauses.push(ms);
  beforeEach(() => {
    dynamo.reset();
    pauses.length = 0;
  });

  it('write in chunks of 25 and send again what DynamoDB left unprocessed, after a growing pause', async () => {
    const puts = Array.from({ length: 30 }, (_, i) => ({ put: { pk: `P${i}`, sk: 'S' } }));
    const leftOver = [{ PutRequest: { Item: { pk: 'P3', sk: 'S' } } }];
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { t: leftOver } })
      .resolvesOnce({ UnprocessedItems: { t: leftOver } })
      .resolves({});
    await batchWriteAll(documents, 't', [...puts, { delete: { pk: 'gone', sk: 'S' } }], { sleep });
    const sent = dynamo.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems?.t ?? []);
    expect(sent.map((chunk) => chunk.length)).toEqual([25, 1, 1, 6]);
    expect(sent[1]).toEqual(leftOver);
    expect(sent[3]?.at(-1)).toEqual({ DeleteRequest: { Key: { pk: 'gone', sk: 'S' } } });
    expect(pauses).toEqual([50, 100]);
  });

  it('throw, naming what is left, when the items stay unprocessed: nothing is dropped silently', async () => {
    dynamo.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({
      UnprocessedItems: input.RequestItems,
    }));
    const writing = batchWriteAll(documents, 't', [{ put: { pk: 'P', sk: 'S' } }], { sleep, maxAttempts: 4 });
    await expect(writing).rejects.toThrow(UnprocessedBatchError);
    await expect(writing).rejects.toThrow('BatchWriteItem on t left 1 item(s) unprocessed after 4 attempts');
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(4);
  });

  it('read every key, strongly consistent, the unprocessed ones again', async () => {
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { t: [{ pk: 'A' }] }, UnprocessedKeys: { t: { Keys: [{ pk: 'B' }] } } })
      .resolves({ Responses: { t: [{ pk: 'B' }] } });
    const items = await batchGetAll(documents, 't', [{ pk: 'A' }, { pk: 'B' }], { sleep });
    expect(items).toEqual([{ pk: 'A' }, { pk: 'B' }]);
    const asked = dynamo.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.t);
    expect(asked).toEqual([
      { Keys: [{ pk: 'A' }, { pk: 'B' }], ConsistentRead: true },
      { Keys: [{ pk: 'B' }], ConsistentRead: true },
    ]);
  });
});
