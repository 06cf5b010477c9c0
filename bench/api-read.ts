import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { ActivityRepository } from '../lambdas/crm/adapters/activity-repository';
import { ContactRepository } from '../lambdas/crm/adapters/contact-repository';
import { activityChangeFromApiMessage } from '../lambdas/crm/domain/activity-mapping';
import { crmKeys, crmTableKeys, numberPartition } from '../lambdas/crm/domain/crm-keys';
import { apiMessageSchema } from '../lambdas/openphone/domain/webhook-payloads';
import { inParallel } from '../lambdas/shared/concurrency';
import { createTables, tablesFromTemplate, type CfnTemplate } from '../local/cfn-tables';
import { localCrmApi } from '../local/crm-api';
import { startLocalHttpApi } from '../local/http-api';
import { localAwsConfig } from '../local/local-pipeline';
import { tableLogicalId } from '../local/template-reading';
import { percentile, type BenchRow } from './report';

const contactNumber = '+14155550123';
const activitiesPerContact = 1000;
const pageSize = 20;

async function timings(samples: number, operation: (i: number) => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await operation(i); // warm up: connections, JIT
  const durations: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await operation(i);
    durations.push(performance.now() - started);
  }
  return durations;
}

/**
 * Reads through the CRM API as the replica serves it (HTTP, bearer token, the same handler and
 * repositories) on a contact with 1,000 activities, beside the bare DynamoDB call each read rests
 * on — a Query of one page of the timeline index, a GetItem of one activity — in the same run.
 */
export async function benchApiRead(
  dynamoEndpoint: string,
  template: CfnTemplate,
  samples = Number(process.env.BENCH_API_READ_SAMPLES ?? 300),
): Promise<BenchRow[]> {
  const client = new DynamoDBClient(localAwsConfig(dynamoEndpoint));
  const documents = DynamoDBDocumentClient.from(client);
  const crmId = tableLogicalId(template, 'CrmTable');
  const names = await createTables(
    client,
    tablesFromTemplate(template, (id) => `bench-api-read-${Date.now()}-${id}`).filter(
      (t) => t.logicalId === crmId,
    ),
  );
  const table = names[crmId]!;
  const activities = new ActivityRepository(documents, table);
  const ids = Array.from(
    { length: activitiesPerContact },
    (_, i) => `ACread${i.toString(16).padStart(26, '0')}`,
  );
  await inParallel(ids, 8, async (id) => {
    const i = ids.indexOf(id);
    const at = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
    const mapping = activityChangeFromApiMessage(
      apiMessageSchema.parse({
        id,
        to: i % 2 ? [contactNumber] : ['+14155551000'],
        from: i % 2 ? '+14155551000' : contactNumber,
        text: 'the technician is on the way, about 20 minutes out',
        phoneNumberId: 'PNbenchread',
        direction: i % 2 ? 'outgoing' : 'incoming',
        status: i % 2 ? 'delivered' : 'received',
        createdAt: at,
        updatedAt: at,
      }),
      { conversationId: 'CNbenchread' },
    );
    if (!mapping.ok) throw new Error(`bench message not mapped: ${mapping.reason}`);
    await activities.upsertActivity(mapping.change.update, mapping.change.eventTime);
  });

  const api = localCrmApi({
    activities,
    contacts: new ContactRepository(documents, table),
    s3: new S3Client({ ...localAwsConfig('http://127.0.0.1:1'), forcePathStyle: true }),
    mediaBucket: 'bench-media',
    logger: new Logger({ logLevel: 'ERROR' }),
  });
  const server = await startLocalHttpApi({ port: 0, routes: { 'GET /v1/*': api.handler } });
  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    return (await response.json()) as { cursor?: string };
  };
  try {
    const timelinePath = `/v1/contacts/${encodeURIComponent(contactNumber)}/timeline?limit=${pageSize}`;
    const apiTimeline = await timings(samples, async () => void (await get(timelinePath)));
    const bareQuery = await timings(samples, async () => {
      await documents.send(
        new QueryCommand({
          TableName: table,
          IndexName: crmTableKeys.timelineIndex,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': crmTableKeys.timelinePartitionKey },
          ExpressionAttributeValues: { ':pk': numberPartition(contactNumber) },
          ScanIndexForward: false,
          Limit: pageSize,
        }),
      );
    });
    const apiActivity = await timings(
      samples,
      async (i) => void (await get(`/v1/activities/${ids[i % ids.length]}`)),
    );
    const bareGet = await timings(samples, async (i) => {
      await documents.send(new GetCommand({ TableName: table, Key: crmKeys.activity(ids[i % ids.length]!) }));
    });
    const baselineLabel = 'bare DynamoDB';
    const row = (measure: string, value: number, baseline: number): BenchRow => ({
      section: 'api-read',
      measure,
      value,
      baseline,
      unit: 'ms',
      baselineLabel,
    });
    return [
      row(
        `timeline page of ${pageSize} p50 (1,000 per contact)`,
        percentile(apiTimeline, 50),
        percentile(bareQuery, 50),
      ),
      row(`timeline page of ${pageSize} p99`, percentile(apiTimeline, 99), percentile(bareQuery, 99)),
      row('activity p50', percentile(apiActivity, 50), percentile(bareGet, 50)),
      row('activity p99', percentile(apiActivity, 99), percentile(bareGet, 99)),
    ];
  } finally {
    await server.stop();
    client.destroy();
  }
}
