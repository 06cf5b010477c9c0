import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { crmTableKeys } from '../../../lambdas/crm';
import { StreamPoller } from '../../../local/stream-poller';
import { streamMappingSettings, tableLogicalId } from '../../../local/template-reading';
import { bridgeTemplate, createBridgeTables, localDynamoClient, tableNamed } from '../../support/dynamo';
import { eventId } from '../../support/events';

describe('the local stream relay beside writes to other tables', () => {
  it('delivers every record once although DynamoDB Local numbered writes to another table in between', async () => {
    const dynamo = localDynamoClient();
    const names = await createBridgeTables(dynamo);
    const crmTable = tableNamed(names, 'CrmTable');
    const poller = new StreamPoller({
      dynamo,
      streams: new DynamoDBStreamsClient({
        endpoint: process.env.DYNAMODB_ENDPOINT!,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      tableName: crmTable,
      mapping: streamMappingSettings(bridgeTemplate(), tableLogicalId(bridgeTemplate(), 'CrmTable')),
    });
    const delivered: string[] = [];
    const consumer = async (event: { Records: { dynamodb?: { Keys?: Record<string, unknown> } }[] }) => {
      for (const r of event.Records)
        delivered.push((r.dynamodb?.Keys?.[crmTableKeys.partitionKey] as { S: string }).S);
    };
    const otherTableWrites = async () => {
      for (let i = 0; i < 3; i++)
        await dynamo.send(
          new PutItemCommand({
            TableName: tableNamed(names, 'RateLimitTable'),
            Item: { bucketId: { S: `b${i}` } },
          }),
        );
    };
    const put = (id: string) =>
      dynamo.send(
        new PutItemCommand({
          TableName: crmTable,
          // An entity the CRM events mapping's filter passes.
          Item: {
            [crmTableKeys.partitionKey]: { S: id },
            [crmTableKeys.sortKey]: { S: 'record' },
            entity: { S: 'contact' },
          },
        }),
      );

    await poller.pollOnce(consumer); // an iterator at the start of the still empty shard
    await otherTableWrites();
    const [first, second] = [eventId(), eventId()];
    await put(first);
    await poller.drain(consumer);
    await otherTableWrites();
    await put(second);
    await poller.drain(consumer);

    expect(delivered).toEqual([first, second]);
  });
});
