import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { build } from 'esbuild';
import { Webhook } from 'standardwebhooks';
import { EventRepository } from '../lambdas/events/adapters/event-repository';
import { attributeValuesOf, storedItemOf } from '../lambdas/events/adapters/stored-payload';
import { staticSigningKeys } from '../lambdas/ingest/adapters/signing-keys';
import { createIngestHandler, recordOutcome } from '../lambdas/ingest/service';
import { apiGatewayEvent } from '../local/http-api';
import { bridgeBundling, type TracingMode } from '../lib/bridge-function';
import { median, type BenchRow } from './report';

const root = path.join(__dirname, '..');
const outDir = path.join(__dirname, '.out');

/** A DynamoDB client whose HTTP layer answers `{}` in-process: serialization, signing and parsing still run. */
function stubbedDynamo(): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: {
      handle: async () => ({
        response: {
          statusCode: 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Readable.from([Buffer.from('{}')]),
        },
      }),
    } as never,
  });
  return DynamoDBDocumentClient.from(client);
}

function samplePayloads(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      id: `EV${randomBytes(12).toString('hex')}`,
      object: 'event',
      apiVersion: 'v3',
      createdAt: new Date().toISOString(),
      type: i % 3 === 0 ? 'call.completed' : 'message.received',
      data: {
        object: {
          id: `AC${i}`,
          object: 'message',
          from: '+15555550123',
          to: ['+15555550100'],
          direction: 'incoming',
          text: 'x'.repeat(80 + (i % 200)),
          status: 'received',
          createdAt: new Date().toISOString(),
          phoneNumberId: 'PN1',
          conversationId: 'CN1',
          userId: 'US1',
          media: [],
        },
      },
    }),
  );
}

function cpuMicros(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

async function cpuMicrosAsync(run: () => Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/**
 * "client stubbed": the record is written as attribute values as the repository writes it (where the
 * document client's marshall was), then answered at once. "our code alone": nothing written, and the
 * Powertools metric and log calls are no-ops, so the stubbed figure less this one is what the
 * attribute values and Powertools cost per event. The events store's sizing and compression of the
 * item (`storedItemOf`) is its own row below.
 * "SDK pipeline in-process": the repository's real PutItem through the AWS SDK, its HTTP answered in-process.
 */
type StoreMode = 'client stubbed' | 'our code alone' | 'SDK pipeline in-process';

/** Metrics and Logger whose calls do nothing: what the ingest costs without Powertools' share. */
const silentPowertools = {
  metrics: {
    addMetric() {},
    singleMetric() {
      return this;
    },
    addDimension() {
      return this;
    },
  } as unknown as Metrics,
  logger: { info() {}, warn() {}, error() {} } as unknown as Logger,
};

async function handlerCpu(rows: BenchRow[], mode: StoreMode): Promise<void> {
  const count = 10_000;
  const legacyKey = randomBytes(32).toString('base64');
  const standardKey = `whsec_${randomBytes(32).toString('base64')}`;
  const repository = new EventRepository(stubbedDynamo(), 'bench-events');
  type EventRecord = Parameters<EventRepository['recordEventOnce']>[0];
  let recorded: EventRecord[] = [];
  const recordEventOnce =
    mode === 'SDK pipeline in-process'
      ? (r: EventRecord) => repository.recordEventOnce(r)
      : mode === 'client stubbed'
        ? async (r: EventRecord) => (recorded.push(r), attributeValuesOf(r), 'recorded' as const)
        : async () => 'recorded' as const;
  const powertools = {
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'bench', serviceName: 'bench' }),
  };
  const ingest = createIngestHandler({
    deps: { ...staticSigningKeys([legacyKey, standardKey]), recordEventOnce },
    settings: { maxBodyBytes: 262_144, retentionDays: 90 },
    ...(mode === 'our code alone' ? silentPowertools : powertools),
  });
  for (const scheme of ['legacy', 'standard'] as const) {
    const payloads = samplePayloads(count);
    const events = payloads.map((body, i) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (scheme === 'legacy') {
        const ts = Date.now();
        headers['openphone-signature'] =
          `hmac;1;${ts};${createHmac('sha256', Buffer.from(legacyKey, 'base64')).update(`${ts}.${body}`).digest('base64')}`;
      } else {
        const at = new Date();
        Object.assign(headers, {
          'webhook-id': `msg_${i}`,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(standardKey).sign(`msg_${i}`, at, body),
        });
      }
      return apiGatewayEvent({
        method: 'POST',
        path: '/webhooks/openphone',
        headers,
        body: Buffer.from(body),
      });
    });
    // Warm up the JIT and the SDK's lazy paths before measuring (the duplicates answer 200).
    for (const e of events.slice(0, 2000)) await ingest(e);
    const key = Buffer.from(scheme === 'legacy' ? legacyKey : standardKey.slice(6), 'base64');
    const bare = () => {
      for (const body of payloads) {
        createHmac('sha256', key).update(`${Date.now()}.${body}`).digest('base64');
        JSON.parse(body);
      }
    };
    bare(); // the same warm-up for the baseline
    // Three passes each, handler and baseline in turn so both meet the same load; the medians are kept.
    const handlerPasses: number[] = [];
    const barePasses: number[] = [];
    for (let pass = 0; pass < 3; pass++) {
      recorded = [];
      handlerPasses.push(
        await cpuMicrosAsync(async () => {
          for (const e of events) {
            const response = await ingest(e);
            if (response.statusCode !== 202 && response.statusCode !== 200)
              throw new Error(`bench event refused: ${response.body}`);
          }
        }),
      );
      barePasses.push(cpuMicros(bare));
    }
    const handlerMicros = median(handlerPasses);
    const bareMicros = median(barePasses);
    /** A row per event, beside the bare HMAC + parse of the same run. */
    const perEvent = (measure: string, micros: number, events: number): BenchRow => ({
      section: 'ingest',
      measure,
      value: micros / events,
      baseline: bareMicros / count,
      unit: 'µs',
      baselineLabel: 'createHmac + JSON.parse',
    });
    rows.push({
      ...perEvent(`handler CPU per event (${scheme} signature, ${mode})`, handlerMicros, count),
      ...(mode === 'client stubbed' ? { aim: 3 } : {}),
    });
    if (mode === 'client stubbed') {
      // The item's share of the stubbed figure, and the SDK's own pipeline, on the very records the handler built.
      const records = recorded;
      const itemMicros = cpuMicros(() => {
        for (const r of records) attributeValuesOf(r);
      });
      rows.push(
        perEvent(`event record as attribute values alone (${scheme} signature)`, itemMicros, records.length),
      );
      let compressed = 0;
      const sizingMicros = cpuMicros(() => {
        for (const r of records) if (typeof storedItemOf(r).payload !== 'string') compressed++;
      });
      rows.push(
        perEvent(
          `events store's item sizing, brotli where it saves a unit (${((100 * compressed) / records.length).toFixed(0)}% of bodies; ${scheme} signature)`,
          sizingMicros,
          records.length,
        ),
      );
      // Powertools' share of the stubbed figure: the outcome's metric and (silent) log line, per event.
      const outcomes = records.map((r) => ({
        kind: 'accepted' as const,
        eventId: r.eventId,
        type: r.type,
        family: 'messages' as const,
      }));
      const powertoolsMicros = cpuMicros(() => {
        for (const outcome of outcomes) recordOutcome(powertools.metrics, powertools.logger, outcome);
      });
      rows.push(
        perEvent(
          `Powertools metric and log calls alone (${scheme} signature)`,
          powertoolsMicros,
          records.length,
        ),
      );
      // Not in the stubbed figure: in Lambda the line is printed at INFO (the default level), and
      // logMetrics flushes the EMF once per invocation, i.e. per event. Serialized as there, not printed here.
      const unprinted = { log() {}, info() {}, warn() {}, error() {}, debug() {} };
      const flushing = new Metrics({ namespace: 'bench', serviceName: 'bench' });
      const printing = new Logger({ logLevel: 'INFO' });
      for (const powertool of [flushing, printing]) Object.assign(powertool, { console: unprinted });
      const lambdaMicros = cpuMicros(() => {
        for (const outcome of outcomes) {
          recordOutcome(flushing, printing, outcome);
          flushing.publishStoredMetrics();
        }
      });
      rows.push(
        perEvent(
          `Powertools calls as in Lambda: the line at INFO, the EMF flushed, alone (${scheme} signature)`,
          lambdaMicros,
          records.length,
        ),
      );
      const pipelineMicros = await cpuMicrosAsync(async () => {
        for (const r of records) await repository.recordEventOnce(r);
      });
      rows.push(
        perEvent(
          `PutItem through the AWS SDK pipeline alone, HTTP in-process (${scheme} signature)`,
          pipelineMicros,
          records.length,
        ),
      );
    }
  }
}

function bundle(entry: string, name: string, tracing: TracingMode = 'off'): Promise<string> {
  const outfile = path.join(outDir, name, 'index.js');
  // The same esbuild options as lib/bridge-function.ts gives NodejsFunction.
  const options = bridgeBundling(tracing);
  return build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: options.minify,
    sourcemap: options.sourceMap,
    platform: 'node',
    target: options.target,
    format: 'cjs',
    mainFields: options.mainFields,
    define: options.define,
    logLevel: 'silent',
  }).then(() => outfile);
}

function coldLoadMillis(file: string, runs = 11): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return median(
    Array.from({ length: runs }, () =>
      Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })),
    ),
  );
}

async function bundles(rows: BenchRow[]): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const baseline = await bundle(path.join(__dirname, 'fixtures/dynamodb-only.ts'), 'baseline-dynamodb-only');
  const baselineSize = statSync(baseline).size / 1024;
  const baselineLoad = coldLoadMillis(baseline);
  // The SDK's part of the remainder (issue 29, item 4): the clients the ingest carries, nothing else.
  const clients = await bundle(path.join(__dirname, 'fixtures/aws-clients-only.ts'), 'aws-clients-only');
  rows.push({
    section: 'bundles',
    measure: "the ingest's AWS SDK clients alone (DynamoDB, SSM, SQS) cold module load",
    value: coldLoadMillis(clients),
    baseline: baselineLoad,
    unit: 'ms',
    baselineLabel: 'DynamoDB-client-only bundle',
  });
  for (const [handler, entry, tracing] of [
    ['ingest', 'ingest/handler.ts', 'off'],
    ['ingest (tracing active)', 'ingest/handler.ts', 'active'],
    ['sweep (hands stuck events on)', 'events/sweep/handler.ts', 'off'],
  ] as const) {
    const file = await bundle(path.join(root, 'lambdas', entry), handler.replace(/\W+/g, '-'), tracing);
    rows.push({
      section: 'bundles',
      measure: `${handler} bundle size`,
      value: statSync(file).size / 1024,
      baseline: baselineSize,
      unit: 'KiB',
      baselineLabel: 'DynamoDB-client-only bundle',
    });
    rows.push({
      section: 'bundles',
      measure: `${handler} cold module load`,
      value: coldLoadMillis(file),
      baseline: baselineLoad,
      unit: 'ms',
      baselineLabel: 'DynamoDB-client-only bundle',
      ...(handler === 'ingest' ? { aim: 1.3 } : {}),
    });
  }
}

export async function benchIngest(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  await handlerCpu(rows, 'client stubbed');
  await handlerCpu(rows, 'our code alone');
  await handlerCpu(rows, 'SDK pipeline in-process');
  await bundles(rows);
  return rows;
}
