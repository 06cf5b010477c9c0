import type { Context, SQSEvent } from 'aws-lambda';
import { EventRepository } from '../../../lambdas/events/adapters/event-repository';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';
import { queueMessageFor } from '../../../lambdas/events/domain/queue-message';
import { environmentNames } from '../../../lambdas/shared/environment';
import { bridgeMetrics } from '../../../lambdas/shared/metrics';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { lambdaBundles } from '../../support/lambda-bundle';

type Emf = { _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] } };

const bundles = lambdaBundles();
afterAll(bundles.remove);

/** The processor's Lambda bundle as deployed, on DynamoDB Local, with its metrics written as EMF. */
async function processorEntry(eventsTable: string, crmTable: string) {
  Object.assign(process.env, {
    [environmentNames.eventsTable]: eventsTable,
    [environmentNames.crmTable]: crmTable,
    [environmentNames.eventFamily]: 'messages',
    [environmentNames.mediaArchiveQueueUrl]: 'http://localhost:9/never-used',
    AWS_ENDPOINT_URL_DYNAMODB: process.env.DYNAMODB_ENDPOINT,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_SERVICE_NAME: bridgeMetrics.service,
    POWERTOOLS_METRICS_DISABLED: 'false',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  });
  const file = await bundles.bundleOf('events/process/handler.ts');
  return jest.requireActual<{ handler: (event: SQSEvent, context: Context) => Promise<unknown> }>(file)
    .handler;
}

/** Every JSON line the function writes (stdout, stderr) while `run` runs: EMF documents and log lines. */
async function linesWrittenBy(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n'));
      return true;
    }),
  );
  try {
    await run();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  return lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the processors’ metrics', () => {
  it('publish one EventsRejected series, without a family dimension (the family is in the log line)', async () => {
    const names = await createBridgeTables();
    const eventsTable = tableNamed(names, 'EventsTable');
    const record = newEventRecord({
      eventId: 'EVnotawebhook',
      type: 'message.received',
      family: 'messages',
      scheme: 'legacy',
      payload: JSON.stringify({ not: 'a webhook' }),
      receivedAt: new Date(),
      retentionDays: 1,
    });
    await new EventRepository(localDocumentClient(), eventsTable).recordEventOnce(record);
    const entry = await processorEntry(eventsTable, tableNamed(names, 'CrmTable'));
    const event = {
      Records: [
        {
          messageId: 'm-1',
          body: JSON.stringify(queueMessageFor(record)),
          attributes: { ApproximateReceiveCount: '1' },
        },
      ],
    } as unknown as SQSEvent;

    const written = await linesWrittenBy(() =>
      entry(event, { functionName: 'processor', awsRequestId: 'r-1' } as Context),
    );

    const emf = written.filter((line): line is Emf => '_aws' in line);
    const series = emf.flatMap((emf) =>
      emf._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => ({ name: m.Name, by: d.Dimensions }))),
    );
    expect(series).toEqual([{ name: bridgeMetrics.processing.rejected, by: [['service']] }]);
    const logLines = written.filter((line) => !('_aws' in line));
    expect(logLines).toContainEqual(expect.objectContaining({ family: 'messages' }));
  });
});
