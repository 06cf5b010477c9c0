import {
  cancellationReasons,
  isConditionFailure,
  isTransactionConditionFailure,
  isTransactionConflict,
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
