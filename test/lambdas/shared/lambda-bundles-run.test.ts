import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { EventRepository, eventFamilies, queueUrlVariable } from '../../../lambdas/events';
import { environmentNames } from '../../../lambdas/shared/environment';
import { webhookRequestEvent } from '../../support/api-gateway';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { lambdaBundles } from '../../support/lambda-bundle';
import { legacySignatureHeader, newLegacyKey } from '../../support/signers';

// The bundles are what Lambda runs: built with the stack's esbuild options (ES module builds of
// the packages first, lib/bridge-function.ts), each must load, and the ingest's must do its work
// through the AWS SDK as bundled: DynamoDB Local, and a stand-in for SSM and SQS.

jest.setTimeout(120_000);

const run = promisify(execFile);
const lambdas = path.join(__dirname, '../../../lambdas');
const { bundleOf, remove } = lambdaBundles();
afterAll(remove);

const handlerEntries = (readdirSync(lambdas, { recursive: true }) as string[])
  .filter((file) => path.basename(file) === 'handler.ts')
  .sort();

it('finds every Lambda entry of the stack', () => {
  expect(handlerEntries.length).toBeGreaterThanOrEqual(9);
});

it.each(handlerEntries)('%s loads from its bundle and exports a handler', async (entry) => {
  const file = await bundleOf(entry, 'off');
  const { stdout } = await run(process.execPath, [
    '-e',
    `process.stdout.write(typeof require(${JSON.stringify(file)}).handler)`,
  ]);
  expect(stdout).toBe('function');
});

/** SSM's GetParameter and SQS's SendMessage as AWS answers them (JSON protocols). */
function awsStandIn(parameterValue: string) {
  const sent: { QueueUrl: string; MessageBody: string }[] = [];
  const parametersRead: string[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target']);
      const input = JSON.parse(body || '{}') as Record<string, unknown>;
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target === 'AmazonSSM.GetParameter') {
        parametersRead.push(String(input.Name));
        return response.end(
          JSON.stringify({
            Parameter: { Name: input.Name, Type: 'SecureString', Value: parameterValue, Version: 1 },
          }),
        );
      }
      if (target === 'AmazonSQS.SendMessage') {
        sent.push(input as { QueueUrl: string; MessageBody: string });
        const md5 = createHash('md5').update(String(input.MessageBody)).digest('hex');
        return response.end(JSON.stringify({ MessageId: `m${sent.length}`, MD5OfMessageBody: md5 }));
      }
      response.statusCode = 400;
      response.end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
    });
  });
  return {
    sent,
    parametersRead,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

it('the ingest’s bundle records a signed delivery in DynamoDB and hands it to its family queue', async () => {
  const key = newLegacyKey();
  const standIn = awsStandIn(JSON.stringify({ keys: [key] }));
  const endpoint = await standIn.start();
  try {
    const table = tableNamed(await createBridgeTables(), 'EventsTable');
    const file = await bundleOf('ingest/handler.ts', 'off');
    const body = JSON.stringify({
      id: 'EVbundled0001',
      object: 'event',
      apiVersion: 'v3',
      createdAt: new Date().toISOString(),
      type: 'message.received',
      data: {
        object: {
          id: 'ACbundled1',
          object: 'message',
          from: '+15555550123',
          to: ['+15555550100'],
          direction: 'incoming',
          text: 'Is Tuesday still good?',
          status: 'received',
          createdAt: new Date().toISOString(),
          phoneNumberId: 'PN1',
          conversationId: 'CN1',
        },
      },
    });
    const request = webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) });
    const script = `require(${JSON.stringify(file)}).handler(${JSON.stringify(request)}, { functionName: 'ingest', awsRequestId: 'r1', getRemainingTimeInMillis: () => 10000 }).then((r) => process.stdout.write(JSON.stringify(r)))`;
    const { stdout } = await run(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: process.env.DYNAMODB_ENDPOINT,
        AWS_ENDPOINT_URL_SSM: endpoint,
        AWS_ENDPOINT_URL_SQS: endpoint,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
        [environmentNames.eventsTable]: table,
        [environmentNames.signingKeysParameter]: '/openphone-bridge/test/webhook-signing-keys',
        ...Object.fromEntries(eventFamilies.map((f) => [queueUrlVariable(f), `${endpoint}/queue/${f}`])),
      },
    });

    expect(JSON.parse(stdout)).toMatchObject({ statusCode: 202 });
    expect(standIn.parametersRead).toEqual(['/openphone-bridge/test/webhook-signing-keys']);
    expect(standIn.sent).toEqual([expect.objectContaining({ QueueUrl: `${endpoint}/queue/messages` })]);
    expect(JSON.parse(standIn.sent[0]!.MessageBody)).toMatchObject({ eventId: 'EVbundled0001' });
    const stored = await new EventRepository(localDocumentClient(), table).getEvent('EVbundled0001');
    expect(stored).toMatchObject({ eventId: 'EVbundled0001', type: 'message.received', status: 'received' });
  } finally {
    await standIn.stop();
  }
});
