import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventRepository } from '../../../lambdas/events/adapters/event-repository';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';
import { StreamPoller } from '../../../local/stream-poller';
import { streamMappingSettings, tableLogicalId } from '../../../local/template-reading';
import {
  bridgeTemplate,
  createBridgeTables,
  localDocumentClient,
  localDynamoClient,
  tableNamed,
} from '../../support/dynamo';
import { eventId, legacyEvent } from '../../support/events';

describe('the local stream relay beside writes to other tables', () => {
  it('delivers every event once although DynamoDB Local numbered writes to another table in between', async () => {
    const dynamo = localDynamoClient();
    const names = await createBridgeTables(dynamo);
    const eventsTable = tableNamed(names, 'EventsTable');
    const poller = new StreamPoller({
      dynamo,
      streams: new DynamoDBStreamsClient({
        endpoint: process.env.DYNAMODB_ENDPOINT!,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      tableName: eventsTable,
      mapping: streamMappingSettings(bridgeTemplate(), tableLogicalId(bridgeTemplate(), 'EventsTable')),
    });
    const delivered: string[] = [];
    const consumer = async (event: { Records: { dynamodb?: { Keys?: Record<string, unknown> } }[] }) => {
      for (const r of event.Records) delivered.push((r.dynamodb?.Keys?.eventId as { S: string }).S);
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
    const events = new EventRepository(localDocumentClient(dynamo), eventsTable);
    const record = (id: string) =>
      newEventRecord({
        eventId: id,
        type: 'message.received',
        family: 'messages',
        scheme: 'legacy',
        payload: JSON.stringify(legacyEvent({ id })),
        receivedAt: new Date(),
        retentionDays: 1,
      });

    await poller.pollOnce(consumer); // an iterator at the start of the still empty shard
    await otherTableWrites();
    const [first, second] = [eventId(), eventId()];
    await events.recordEventOnce(record(first));
    await poller.drain(consumer);
    await otherTableWrites();
    await events.recordEventOnce(record(second));
    await poller.drain(consumer);

    expect(delivered).toEqual([first, second]);
  });
});
