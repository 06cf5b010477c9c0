import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { campaignRepositories } from '../lambdas/campaigns/adapters/campaign-repositories';
import { SuppressionRepository } from '../lambdas/crm/adapters/suppression-repository';
import { OpenPhoneClient } from '../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../lambdas/openphone/adapters/rate-limiter';
import {
  defaultTokenBucketPolicy,
  sustainedRequestsPerSecond,
} from '../lambdas/openphone/domain/token-bucket';
import { createCampaignSender } from '../lambdas/campaigns/service';
import { createTables, tablesFromTemplate, type CfnTemplate } from '../local/cfn-tables';
import { localAwsConfig } from '../local/local-pipeline';
import { tableLogicalId } from '../local/template-reading';
import type { BenchRow } from './report';
import { startSimulatorProcess } from './simulator-process';

/** As deployed (lib/campaign-sender.ts): the schedule starts a run every minute; a run may last 2 min. */
const scheduleEveryMs = 60_000;
const lambdaTimeoutMs = 120_000;
const apiKey = 'bench-campaign-key';

/**
 * Requests per second the campaign lane may use with no interactive requests (as here): every
 * token, `limit` per window (10 per 1.05 s); its reserve of 2 is lent while interactive is idle.
 */
const campaignLaneShare = sustainedRequestsPerSecond(defaultTokenBucketPolicy);

/** Messages at one request each, or requests: the lane's share bounds both. */
const againstLaneShare = (measure: string, value: number, unit: 'msg/s' | 'req/s'): BenchRow => ({
  section: 'campaign',
  measure,
  value,
  baseline: campaignLaneShare,
  unit,
  baselineLabel: "campaign lane's share (all 10 per window)",
  aim: 0.9,
  higherIsBetter: true,
});

/** A fixed-offset zone whose clock reads about noon now, so 08:00–21:00 holds for hours. */
function zoneAtNoon(now = new Date()): string {
  const offset = 12 - now.getUTCHours();
  // Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3.
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/**
 * A running campaign of two variants to `recipients` numbers from `sendingNumber`, its daily cap
 * lifted and its zone at about noon, as the bench sections create it.
 */
export function runningBenchCampaign(campaignId: string, sendingNumber: string, recipients: number) {
  return {
    campaignId,
    definition: {
      name: 'Bench offer',
      sendingNumber,
      variants: [
        { id: 'a', template: 'Hi {{firstName}}, our spring offer is on', weight: 1 },
        { id: 'b', template: 'Hello {{firstName}}, spring offer inside', weight: 1 },
      ],
      timeZone: zoneAtNoon(),
      dailyCap: recipients + 1,
    },
    state: { status: 'running' as const },
    at: new Date().toISOString(),
  };
}

export interface CampaignBenchOptions {
  recipients: number;
  /** Added by the simulator to every answer: the round trip to OpenPhone a Lambda would see. */
  latencyMs: number;
  /** Recipients in flight per run; the sender's default when left out. */
  concurrency?: number;
}

/** `BENCH_CAMPAIGN_RECIPIENTS` (default 5000), `BENCH_CAMPAIGN_LATENCY_MS` (default 150). */
export function campaignBenchOptionsFromEnvironment(env = process.env): CampaignBenchOptions {
  const whole = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`${name} must be a whole number, got ${env[name]}`);
    return value;
  };
  return {
    recipients: Math.max(1, whole('BENCH_CAMPAIGN_RECIPIENTS', 5000)),
    latencyMs: whole('BENCH_CAMPAIGN_LATENCY_MS', 150),
  };
}

/**
 * A campaign of `recipients` (two variants, daily cap lifted, inside quiet hours) sent by sender
 * runs started as the every-minute schedule starts them — each its own client, limiter handle and
 * DynamoDB client, as separate Lambdas have, overlapping when a run outlives a minute — against the
 * simulated OpenPhone in its own process, until the campaign is completed.
 */
export async function benchCampaign(
  dynamoEndpoint: string,
  template: CfnTemplate,
  { recipients, latencyMs, concurrency }: CampaignBenchOptions,
): Promise<BenchRow[]> {
  const dynamoClient = () => new DynamoDBClient(localAwsConfig(dynamoEndpoint));
  const documentsOf = (client: DynamoDBClient) =>
    DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const ids = ['CampaignTable', 'CrmTable', 'RateLimit'].map((fragment) =>
    tableLogicalId(template, fragment),
  );
  const names = await createTables(
    dynamoClient(),
    tablesFromTemplate(template, (id) => `bench-${Date.now()}-${id}`).filter((t) =>
      ids.includes(t.logicalId),
    ),
  );
  const [campaignTable, crmTable, rateLimitTable] = ids.map((id) => names[id]!) as [string, string, string];
  const simulator = await startSimulatorProcess({
    seed: 5,
    apiKey,
    latencyMs,
    workspace: {
      phoneNumbers: 2,
      conversationsPerNumber: 1,
      messagesPerConversation: 1,
      callsPerConversation: 0,
    },
  });
  try {
    const campaignId = `bench-${Date.now()}`;
    const setup = campaignRepositories(documentsOf(dynamoClient()), campaignTable);
    await setup.campaigns.createCampaign(
      runningBenchCampaign(campaignId, simulator.sendingNumberId, recipients),
    );
    // UK numbers, their clock given as the campaign's zone (about noon), as a recipient file may.
    const zone = zoneAtNoon();
    const phones = Array.from({ length: recipients }, (_, i) => `+4477009${String(i).padStart(5, '0')}`);
    const chunks = Array.from({ length: Math.ceil(recipients / 100) }, (_, i) =>
      phones.slice(i * 100, i * 100 + 100),
    );
    for (let i = 0; i < chunks.length; i += 8)
      await Promise.all(
        chunks.slice(i, i + 8).map((chunk) =>
          setup.recipients.addRecipients(
            campaignId,
            chunk.map((phone) => ({
              phone,
              fields: { firstName: `Guest${phone.slice(-5)}`, timeZone: zone },
            })),
          ),
        ),
      );

    const before = await simulator.stats();
    const logger = new Logger({ logLevel: 'SILENT' });
    const metrics = new Metrics({ namespace: 'bench', serviceName: 'bench' });
    let rateLimited = 0;
    /** One scheduled invocation: a fresh Lambda's wiring, as lambdas/campaigns/handler.ts builds it. */
    const dynamoCalls = new Map<string, { count: number; ms: number }>();
    const runSender = (deadline: number) => {
      const dynamo = dynamoClient();
      dynamo.middlewareStack.add(
        (next, context) => async (args) => {
          const startedAt = Date.now();
          try {
            return await next(args);
          } finally {
            const calls = dynamoCalls.get(context.commandName!) ?? { count: 0, ms: 0 };
            calls.count++;
            calls.ms += Date.now() - startedAt;
            dynamoCalls.set(context.commandName!, calls);
          }
        },
        { step: 'initialize', name: 'benchCallCounter' },
      );
      const suppressions = new SuppressionRepository(documentsOf(dynamo), crmTable);
      return createCampaignSender({
        ...campaignRepositories(documentsOf(dynamo), campaignTable),
        isSuppressed: (phone) => suppressions.isSuppressed(phone),
        openPhone: new OpenPhoneClient({
          apiKey,
          baseUrl: simulator.url,
          lane: 'campaign',
          rateLimiter: new SharedTokenBucket({ client: dynamo, tableName: rateLimitTable, apiKey }),
          onRetry: (event) => {
            if (event.cause === 429) rateLimited++;
          },
        }),
        ...(concurrency ? { settings: { concurrency } } : {}),
        logger,
        metrics,
      }).sendRunningCampaigns(deadline);
    };

    const started = Date.now();
    const runs: Promise<void>[] = [];
    let failedRuns = 0;
    let completedAt: number | undefined;
    // A run that keeps failing must not hang the bench: give up at three times the ideal time, plus 5 min.
    const giveUpAt = started + (3 * recipients * 1000) / campaignLaneShare + 5 * 60_000;
    while (completedAt === undefined) {
      if (Date.now() > giveUpAt)
        throw new Error(`the campaign was not completed within ${(giveUpAt - started) / 1000} s`);
      const runStarted = Date.now();
      const index = runs.length + 1;
      runs.push(
        runSender(runStarted + lambdaTimeoutMs).then(
          (reports) => {
            const r = reports.find((report) => report.campaignId === campaignId);
            console.log(
              `  campaign bench: run ${index} (started at ${((runStarted - started) / 1000).toFixed(0)} s): ` +
                `${r ? `${r.sent} sent, ended ${r.ended}` : 'no running campaign'} after ${((Date.now() - runStarted) / 1000).toFixed(1)} s`,
            );
          },
          (error: Error) => {
            failedRuns++;
            console.error(`  campaign bench: run ${index} failed: ${error.message}`);
          },
        ),
      );
      while (completedAt === undefined && Date.now() < runStarted + scheduleEveryMs) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        if ((await setup.campaigns.getCampaign(campaignId))?.state.status === 'completed')
          completedAt = Date.now();
      }
    }
    await Promise.all(runs);
    const wallSeconds = (completedAt - started) / 1000;

    const after = await simulator.stats();
    console.log(
      `  campaign bench: DynamoDB requests per message (mean latency): ${[...dynamoCalls]
        .map(
          ([name, c]) =>
            `${name.replace('Command', '')} ${(c.count / recipients).toFixed(2)} (${(c.ms / c.count).toFixed(0)} ms)`,
        )
        .join(', ')}`,
    );
    const sentTo = after.messagesSentByRecipient;
    const messages = phones.reduce((sum, phone) => sum + (sentTo[phone] ?? 0), 0);
    const duplicated = phones.filter((phone) => (sentTo[phone] ?? 0) > 1).length;
    const notSent = phones.filter((phone) => !sentTo[phone]).length;
    const requests = after.totalRequests - before.totalRequests;
    const answered429 = after.rateLimited - before.rateLimited;
    const sendsPerSecond = messages / wallSeconds;
    const requestsPerSecond = requests / wallSeconds;
    const size = `${recipients} recipients, OpenPhone answering in ${latencyMs} ms, ${runs.length} scheduled runs${failedRuns ? ` (${failedRuns} failed)` : ''}`;
    return [
      againstLaneShare(`${size}: messages sent/s`, sendsPerSecond, 'msg/s'),
      againstLaneShare(
        `requests to OpenPhone/s (simulator's log; ${(requests / Math.max(1, messages)).toFixed(2)} per message): utilization`,
        requestsPerSecond,
        'req/s',
      ),
      {
        section: 'campaign',
        measure: `wall time until completed`,
        value: wallSeconds,
        baseline: recipients / campaignLaneShare,
        unit: 's',
        baselineLabel: 'every message at the lane share',
        aim: 1.15,
      },
      {
        section: 'campaign',
        measure: `429 answers (seen by the simulator; retried by the client: ${rateLimited})`,
        value: answered429,
        baseline: 0,
        unit: '',
        baselineLabel: 'aim: none',
      },
      {
        section: 'campaign',
        measure: 'recipients with more than one message',
        value: duplicated,
        baseline: 0,
        unit: '',
        baselineLabel: 'must be 0',
      },
      {
        section: 'campaign',
        measure: 'recipients not sent',
        value: notSent,
        baseline: 0,
        unit: '',
        baselineLabel: 'must be 0',
      },
    ];
  } finally {
    simulator.stop();
  }
}
