import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';
import { staticSigningKeys } from '../../../lambdas/ingest/adapters/signing-keys';
import { createIngestHandler } from '../../../lambdas/ingest/service';
import { webhookRequestEvent } from '../../support/api-gateway';
import { idleFamilyQueues, runAgainst, testTarget } from '../../support/cli';
import { processorsOnLocalTables } from '../../support/delivery-processing';
import { callObject, contactNumber, quoEventOf } from '../../support/openphone-payloads';
import { newStandardKey, standardWebhookHeaders } from '../../support/signers';

jest.setTimeout(60_000);

/**
 * An event type Quo adds after this version: answered, recorded, listed as ignored, kept (no TTL);
 * and an event of a type an older version ignored is re-driven and processed once this one knows it.
 */
describe('event types that appear later', () => {
  let setup: Awaited<ReturnType<typeof processorsOnLocalTables>>;
  const { queues, admin } = idleFamilyQueues();
  const target = () => testTarget({ events: setup.events, queues: admin });
  const key = newStandardKey();

  beforeAll(async () => {
    setup = await processorsOnLocalTables();
  }, 120_000);

  it('a signed delivery of an unknown type is answered 200, kept as ignored without a TTL, and listed', async () => {
    const ingest = createIngestHandler({
      deps: { ...staticSigningKeys([key]), recordEventOnce: (r) => setup.events.recordEventOnce(r) },
      settings: { maxBodyBytes: 262_144, retentionDays: 90 },
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
    });
    const body = JSON.stringify(
      quoEventOf('call.transferred', callObject(), '2026-11-20T11:00:00.000Z', { id: 'EVlatertype' }),
    );
    const response = await ingest(webhookRequestEvent(body, standardWebhookHeaders(body, key)));
    expect(response).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(String((response as { body: string }).body))).toMatchObject({ status: 'ignored' });

    const record = await setup.events.getEvent('EVlatertype');
    expect(record).toMatchObject({ status: 'ignored', ignoredReason: 'unknown_event_type', payload: body });
    expect(record?.expiresAt).toBeUndefined();
    const listed = await runAgainst(target(), 'events', 'list', '--status', 'ignored');
    expect(listed.code).toBe(0);
    expect(listed.stdout.join('\n')).toContain('EVlatertype');

    // Still unknown: a re-drive refuses, naming the type, and changes nothing.
    const refused = await runAgainst(target(), 'events', 'redrive', 'EVlatertype');
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.stderr.join('\n')).toMatch(/call\.transferred, which the bridge ignores/);
  });

  it('an event an older version ignored is re-driven to its queue and processed once its type is supported', async () => {
    // What a version without call.missed recorded: ignored, no family.
    const body = quoEventOf(
      'call.missed',
      callObject({ id: 'ACmissedlater', status: null }),
      '2026-11-20T11:00:00.000Z',
      {
        id: 'EVmissedlater',
      },
    );
    await setup.events.recordEventOnce(
      newEventRecord({
        eventId: 'EVmissedlater',
        type: 'call.missed',
        family: undefined,
        scheme: 'standard-webhooks',
        payload: JSON.stringify(body),
        receivedAt: new Date('2026-11-20T11:00:01.000Z'),
        retentionDays: 90,
      }),
    );

    const dryRun = await runAgainst(target(), 'events', 'redrive', '--status', 'ignored', '--dry-run');
    expect(dryRun.stdout.join('\n')).toMatch(/1 ignored event would be sent/);
    const sent = await runAgainst(target(), 'events', 'redrive', 'EVmissedlater');
    expect(sent).toMatchObject({ code: 0 });
    expect(queues.calls.depth).toBe(1);

    await queues.calls.pollOnce(setup.processors.calls);
    expect(await setup.events.getEvent('EVmissedlater')).toMatchObject({ status: 'processed' });
    expect(await setup.activities.getActivity('ACmissedlater')).toMatchObject({
      status: 'missed',
      contactNumbers: [contactNumber],
    });
  });
});
