// `api-send`: POST /v1/messages throughput on the replica-like set-up (the CRM API handler, DynamoDB
// Local, the shared limiter's interactive lane, the simulated OpenPhone in its own process) beside
// what the limiter allows the interactive lane, measured in the same run.
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { ActivityRepository, ContactRepository, SuppressionRepository } from '../lambdas/crm';
import {
  ApiMessageRepository,
  createCrmApiHandler,
  createMessageSending,
  interactiveOpenPhoneClient,
  MediaLinks,
} from '../lambdas/crm-api';
import { defaultTokenBucketPolicy, sustainedRequestsPerSecond } from '../lambdas/openphone';
import { createTables, tablesFromTemplate, type CfnTemplate } from '../local/cfn-tables';
import { apiGatewayEvent } from '../local/http-api';
import { localAwsConfig } from '../local/local-pipeline';
import { tableLogicalId } from '../local/template-reading';
import type { BenchRow } from './report';
import { startSimulatorProcess } from './simulator-process';

/**
 * `callers` CRM API instances (as concurrent Lambdas are), each sending one new message after
 * another for `seconds`, every message its own Idempotency-Key and recipient.
 */
export async function benchApiSend(
  dynamoEndpoint: string,
  template: CfnTemplate,
  seconds = Number(process.env.BENCH_API_SEND_SECONDS ?? 15),
  callers = Number(process.env.BENCH_API_SEND_CALLERS ?? 4),
): Promise<BenchRow[]> {
  const dynamo = new DynamoDBClient(localAwsConfig(dynamoEndpoint));
  const wanted = [tableLogicalId(template, 'CrmTable'), tableLogicalId(template, 'RateLimit')];
  const names = await createTables(
    dynamo,
    tablesFromTemplate(template, (id) => `bench-send-${Date.now()}-${id}`).filter((t) =>
      wanted.includes(t.logicalId),
    ),
  );
  const [crmTable, rateLimitTable] = wanted.map((id) => names[id]!) as [string, string];
  const simulator = await startSimulatorProcess({
    seed: 7,
    apiKey: 'bench-send-key',
    workspace: {
      phoneNumbers: 1,
      conversationsPerNumber: 1,
      messagesPerConversation: 1,
      callsPerConversation: 0,
    },
  });
  const logger = new Logger({ logLevel: 'SILENT' });
  const apis = Array.from({ length: callers }, () => {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient(localAwsConfig(dynamoEndpoint)), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const openPhone = interactiveOpenPhoneClient({
      apiKey: simulator.apiKey,
      baseUrl: simulator.url,
      dynamo: new DynamoDBClient(localAwsConfig(dynamoEndpoint)),
      rateLimitTable,
    });
    const activities = new ActivityRepository(documents, crmTable);
    return createCrmApiHandler({
      activities,
      contacts: new ContactRepository(documents, crmTable),
      mediaLinks: new MediaLinks(new S3Client({ region: 'us-east-1' }), 'unused'),
      messageSending: createMessageSending({
        messages: new ApiMessageRepository(documents, crmTable),
        suppressions: new SuppressionRepository(documents, crmTable),
        activities,
        openPhone: async () => openPhone,
        logger,
      }),
      logger,
    });
  });

  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  let next = 0;
  const started = Date.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    apis.map(async (api, caller) => {
      while (Date.now() < deadline) {
        const n = next++;
        const at = Date.now();
        const response = await api(
          apiGatewayEvent({
            method: 'POST',
            path: '/v1/messages',
            headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${caller}-${n}` },
            body: Buffer.from(
              JSON.stringify({
                to: `+1555${String(3_000_000 + n).padStart(7, '0')}`,
                text: `Bench message ${n}`,
              }),
            ),
          }),
        );
        const status = response.statusCode ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 202) latencies.push(Date.now() - at);
        // A 429 asks to come back after Retry-After; a CRM would. The bench only waits a little.
        else if (status === 429) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const roundTrip = await getItemRoundTripP50(dynamoEndpoint, crmTable);
  const stats = await simulator.stats();
  simulator.stop();
  const accepted = statuses.get(202) ?? 0;
  const sentAtOpenPhone = Object.values(stats.messagesSentByRecipient).reduce((a, b) => a + b, 0);
  const laneShare = sustainedRequestsPerSecond(
    defaultTokenBucketPolicy,
    defaultTokenBucketPolicy.laneReserves.interactive,
  );
  latencies.sort((a, b) => a - b);
  const p50 = latencies[Math.floor(latencies.length / 2)] ?? NaN;
  const others = [...statuses].filter(([s]) => s !== 202 && s !== 429).map(([s, n]) => `${n}×${s}`);
  return [
    {
      section: 'api send',
      measure: `${callers} CRM API instances for ${seconds} s: messages accepted (202)/s`,
      value: accepted / elapsed,
      baseline: laneShare,
      unit: 'msg/s',
      baselineLabel: "the interactive lane's share of the limit",
      aim: 0.8,
      higherIsBetter: true,
    },
    {
      section: 'api send',
      measure: `OpenPhone messages per 202 (429s: ${statuses.get(429) ?? 0}${others.length ? `, other: ${others.join(', ')}` : ''})`,
      value: accepted === 0 ? 0 : sentAtOpenPhone / accepted,
      baseline: 1,
      unit: '',
      baselineLabel: 'exactly once',
      aim: 1,
    },
    {
      section: 'api send',
      measure: 'send latency p50 (202)',
      value: p50,
      baseline: 1000 / laneShare,
      unit: 'ms',
      baselineLabel: 'one token interval of the lane',
    },
    {
      section: 'api send',
      measure: 'send latency p50 in DynamoDB Local round trips',
      value: p50 / roundTrip,
      baseline: 9,
      unit: 'trips',
      baselineLabel: `the send's sequential reads and writes (a bare GetItem: ${roundTrip.toFixed(1)} ms)`,
    },
  ];
}

/** A bare consistent GetItem on the same DynamoDB Local, one after another: the unit of a send's cost. */
async function getItemRoundTripP50(dynamoEndpoint: string, tableName: string): Promise<number> {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(localAwsConfig(dynamoEndpoint)));
  const times: number[] = [];
  for (let i = 0; i < 100; i++) {
    const at = performance.now();
    await documents.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: `APIMESSAGE#none-${i}`, sk: 'APIMESSAGE' },
        ConsistentRead: true,
      }),
    );
    times.push(performance.now() - at);
  }
  times.sort((a, b) => a - b);
  return times[50]!;
}
