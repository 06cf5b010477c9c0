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
import { batchGetAll } from '../lambdas/shared/dynamo';
import { createTables, tablesFromTemplate, type CfnTemplate } from '../local/cfn-tables';
import { localCrmApi } from '../local/crm-api';
import { apiGatewayEvent, startLocalHttpApi } from '../local/http-api';
import { localAwsConfig } from '../local/local-pipeline';
import { tableLogicalId } from '../local/template-reading';
import { percentile, type BenchRow } from './report';

const contactNumber = '+14155550123';
const activitiesPerContact = 1000;
const pageSize = 20;

/**
 * Each operation `samples` times (after 20 to warm up), taken in turn within every round, so that
 * each sees the same load on this shared machine: its durations in ms.
 */
async function interleavedTimings<Name extends string>(
  samples: number,
  operations: Record<Name, (i: number) => Promise<void>>,
): Promise<Record<Name, number[]>> {
  const names = Object.keys(operations) as Name[];
  for (let i = 0; i < 20; i++) for (const name of names) await operations[name](i); // connections, JIT
  const durations = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  for (let i = 0; i < samples; i++)
    for (const name of names) {
      const started = performance.now();
      await operations[name](i);
      durations[name].push(performance.now() - started);
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
  const timelinePath = `/v1/contacts/${encodeURIComponent(contactNumber)}/timeline?limit=${pageSize}`;
  const eventOf = (path: string) =>
    apiGatewayEvent({
      method: 'GET',
      path,
      headers: { authorization: `Bearer ${api.token}` },
      body: Buffer.alloc(0),
    });
  // The replica's HTTP hop alone: the same page's answer, from a handler that only returns it.
  const pageAnswer = await api.handler(eventOf(timelinePath));
  const hop = await startLocalHttpApi({ port: 0, routes: { 'GET /v1/*': async () => pageAnswer } });
  const get = async (url: string, path: string) => {
    const response = await fetch(`${url}${path}`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    return (await response.json()) as { cursor?: string };
  };
  const queryPage = () =>
    documents.send(
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
  try {
    const page = await interleavedTimings(samples, {
      api: async () => void (await get(server.url, timelinePath)),
      bareQuery: async () => void (await queryPage()),
      // What a page rests on with an ids-only index (decision 0009): the Query, then its activities.
      bareCalls: async () => {
        const entries = (await queryPage()).Items ?? [];
        await batchGetAll(
          documents,
          table,
          entries.map((entry) => crmKeys.activity(entry.activityId as string)),
        );
      },
      handler: async () => void (await api.handler(eventOf(timelinePath))),
      hop: async () => void (await get(hop.url, timelinePath)),
    });
    const activity = await interleavedTimings(samples, {
      api: async (i) => void (await get(server.url, `/v1/activities/${ids[i % ids.length]}`)),
      bareGet: async (i) =>
        void (await documents.send(
          new GetCommand({ TableName: table, Key: crmKeys.activity(ids[i % ids.length]!) }),
        )),
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
        percentile(page.api, 50),
        percentile(page.bareQuery, 50),
      ),
      row(`timeline page of ${pageSize} p99`, percentile(page.api, 99), percentile(page.bareQuery, 99)),
      // Where the page's time goes, each beside the same bare Query.
      row(
        'its Query + BatchGetItem alone p50',
        percentile(page.bareCalls, 50),
        percentile(page.bareQuery, 50),
      ),
      row(
        'its handler in-process (no HTTP) p50',
        percentile(page.handler, 50),
        percentile(page.bareQuery, 50),
      ),
      row("the replica's HTTP hop alone p50", percentile(page.hop, 50), percentile(page.bareQuery, 50)),
      row('activity p50', percentile(activity.api, 50), percentile(activity.bareGet, 50)),
      row('activity p99', percentile(activity.api, 99), percentile(activity.bareGet, 99)),
    ];
  } finally {
    await server.stop();
    await hop.stop();
    client.destroy();
  }
}
