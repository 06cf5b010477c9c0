import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { eventsTableKeys } from '../../../lambdas/events/domain/event-record';
import { createBridgeTables, localDynamoClient, tableNamed } from '../../support/dynamo';

describe('tables made from the synthesized template', () => {
  it('gives DynamoDB Local the deployed events table: key, indexes, no stream, and TTL', async () => {
    const client = localDynamoClient();
    const names = await createBridgeTables(client);
    const tableName = tableNamed(names, 'EventsTable');
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: eventsTableKeys.partitionKey, KeyType: 'HASH' }]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
      ['byObject', eventsTableKeys.byStatusIndex, eventsTableKeys.byArrivalIndex].sort(),
    );
    // No stream: the ingest hands each new event to its queue itself (decision 0009).
    expect(Table?.StreamSpecification).toBeUndefined();
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(eventsTableKeys.ttlAttribute);
    client.destroy();
  });
});
