import {
  OpenPhoneOutcomeUnknownError,
  quoApiVersion,
  type QuoTestEvent,
  type QuoWebhookDelivery,
  type QuoWebhookWithKey,
  type Webhook,
} from '../../lambdas/openphone';
import type { EventRecord } from '../../lambdas/events';
import { CommandFailure } from '../errors';
import { plural, type Output } from '../output';
import type { Target } from '../target';
import { quoEventTypes } from './quo-webhooks';
import { webhookUrl } from '../option-values';

export interface MigrateWebhooksOptions {
  /** The bridge's webhook URL: the legacy webhooks posting there are the ones moved. */
  url: string;
  /** Event types of the new webhook; default Quo's whole catalogue (types the bridge does not route are recorded as ignored). */
  events?: string[];
  /** The test event's type. @default message.received */
  testEvent?: string;
  /** How long both systems deliver before the legacy webhooks are deleted. @default 300 */
  overlapSeconds?: number;
  /** How long to wait for the test event to be recorded by the bridge. @default 60 */
  confirmSeconds?: number;
  dryRun?: boolean;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const steps = ['create', 'test', 'enable', 'overlap', 'delete-legacy'] as const;
type Step = (typeof steps)[number];
const stepTitles: Record<Step, string> = {
  create: 'create the new webhook, disabled, and store its key',
  test: 'send a signed test event and confirm the bridge recorded it',
  enable: 'enable the new webhook',
  overlap: 'let both systems deliver, each event recorded once',
  'delete-legacy': 'delete the legacy webhooks',
};
const numbered = (step: Step) => `step ${steps.indexOf(step) + 1}/${steps.length} (${step})`;
const reasonOf = (error: unknown) =>
  error instanceof Error ? error.message.split('\n')[0]! : String(error).split('\n')[0]!;

/**
 * Moves a workspace from the legacy webhooks to Quo's new ones with no gap and no double effect:
 * the new webhook is created disabled and its key stored, a signed test event must reach the
 * bridge, then it is enabled and both systems deliver for a while (the bridge records an event
 * once whichever system brings it), and only then are the legacy webhooks deleted. A failure at
 * any step leaves the legacy webhooks delivering and says what to do.
 */
export async function migrateWebhooks(target: Target, out: Output, options: MigrateWebhooksOptions) {
  const url = webhookUrl(options.url);
  const events = quoEventTypes(options.events);
  const [testType] = quoEventTypes([options.testEvent ?? 'message.received']);
  const overlapMs = (options.overlapSeconds ?? 300) * 1000;
  const confirmMs = (options.confirmSeconds ?? 60) * 1000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const client = await target.openPhone();

  const [allLegacy, quoWebhooks] = await Promise.all([client.listWebhooks(), client.quoWebhooks.list()]);
  const legacy = allLegacy.filter((w) => w.url === url);
  if (legacy.length === 0)
    throw new CommandFailure(
      `no legacy webhook posts to ${url}: nothing to migrate (\`webhooks list\` shows what exists)`,
    );
  const already = quoWebhooks.find((w) => w.url === url);
  if (already)
    throw new CommandFailure(
      `Quo webhook ${already.id} (${already.status}) already posts to ${url}: delete it (\`webhooks delete ${already.id}\`) and migrate again, or finish by hand (docs/operations/runbook.md)`,
    );
  const resourceIds = resourceIdsOf(legacy);

  out.line(`Migration plan for ${url}:`);
  out.line(
    `  legacy webhooks: ${legacy.map((w) => `${w.id} (${w.status}, ${w.events.join(', ')})`).join('; ')}`,
  );
  out.line(
    `  new webhook: payload version ${quoApiVersion}, ${plural(events.length, 'event type')}, ` +
      `numbers ${resourceIds ? resourceIds.join(', ') : '* (all)'}; key into ${target.signingKeys.name}`,
  );
  steps.forEach((step, i) =>
    out.line(
      `  ${i + 1}. ${stepTitles[step]}${step === 'overlap' ? ` (${overlapMs / 1000} s)` : ''}${step === 'test' ? ` (${testType})` : ''}`,
    ),
  );
  if (options.dryRun) {
    out.line('Dry run: nothing changed.');
    return;
  }

  const legacyIds = legacy.map((w) => w.id).join(', ');
  const fail = (step: Step, reason: string, todo: string): never => {
    throw new CommandFailure(
      `${numbered(step)} failed: ${reason}. The legacy webhooks (${legacyIds}) still deliver; ${todo}`,
    );
  };

  // 1. Create, disabled: its key, and no traffic yet.
  let created: QuoWebhookWithKey;
  try {
    created = await client.quoWebhooks.create({
      url,
      events,
      status: 'disabled',
      label: 'openphone-bridge',
      ...(resourceIds ? { resourceIds } : {}),
    });
  } catch (error) {
    return fail(
      'create',
      reasonOf(error),
      error instanceof OpenPhoneOutcomeUnknownError
        ? 'Quo may have created it all the same: check `webhooks list`, delete any new one, and migrate again.'
        : 'nothing was created; fix the cause and migrate again.',
    );
  }
  const cleanUp = `delete the new webhook (\`webhooks delete ${created.id}\`) and migrate again.`;
  try {
    await target.signingKeys.add([created.key]);
  } catch (error) {
    return fail('create', `storing its key in ${target.signingKeys.name}: ${reasonOf(error)}`, cleanUp);
  }
  out.line(`1. Created webhook ${created.id} (disabled); stored its key in ${target.signingKeys.name}.`);

  // 2. A signed test event must reach the bridge and be recorded there.
  const startedAt = new Date(now() - 1000).toISOString();
  let sample: QuoTestEvent;
  try {
    sample = await client.quoWebhooks.sendTestEvent(created.id, testType!);
  } catch (error) {
    return fail('test', `sending the test event: ${reasonOf(error)}`, cleanUp);
  }
  const recorded = await waitFor(confirmMs, sleep, now, () => recordedTestEvent(target, sample, startedAt));
  if (!recorded) {
    const deliveries = await client.quoWebhooks.listDeliveries(created.id).catch(() => undefined);
    const answer = deliveries?.data.find((d) => d.eventType === testType);
    return fail(
      'test',
      `the bridge did not record the test event within ${confirmMs / 1000} s (Quo reports its delivery as ${answer?.status ?? 'not listed'})`,
      `check the bridge accepts the new key (ingest logs: a 401 means it does not read ${target.signingKeys.name}), see \`webhooks deliveries ${created.id}\`, then ${cleanUp}`,
    );
  }
  out.line(`2. The bridge verified and recorded the test event (${recorded.eventId}).`);

  // 3. Enable: from here both systems deliver.
  try {
    await client.quoWebhooks.update(created.id, { status: 'enabled' });
  } catch (error) {
    return fail(
      'enable',
      reasonOf(error),
      `the new webhook ${created.id} is left disabled (its key stays stored): ${cleanUp}`,
    );
  }
  out.line(`3. Enabled webhook ${created.id}: both systems deliver now.`);

  // 4. Overlap: every delivery of the new webhook must be answered; each event is recorded once.
  const seen = new Map<string, QuoWebhookDelivery>();
  const deadline = now() + overlapMs;
  for (;;) {
    let page;
    try {
      page = await client.quoWebhooks.listDeliveries(created.id, { limit: 50 });
    } catch (error) {
      page = undefined;
      out.line(`   (could not list deliveries: ${reasonOf(error)}; trying again)`);
    }
    for (const delivery of page?.data ?? []) if (delivery.eventId) seen.set(delivery.id, delivery);
    const failed = [...seen.values()].find((d) => d.status === 'failed');
    if (failed) {
      await client.quoWebhooks.update(created.id, { status: 'disabled' }).catch(() => undefined);
      return fail(
        'overlap',
        `the bridge did not accept delivery ${failed.id} (${failed.eventType}) of the new webhook`,
        `the new webhook ${created.id} was disabled again; see \`webhooks deliveries ${created.id}\`, then ${cleanUp}`,
      );
    }
    if (now() >= deadline) break;
    await sleep(Math.min(2000, Math.max(0, deadline - now())));
  }
  const delivered = [...seen.values()].filter((d) => d.status === 'success');
  const records = await Promise.all(delivered.map((d) => target.events.getEvent(d.eventId!)));
  const missing = delivered.filter((_, i) => !records[i]);
  if (missing.length > 0) {
    await client.quoWebhooks.update(created.id, { status: 'disabled' }).catch(() => undefined);
    return fail(
      'overlap',
      `${plural(missing.length, 'event')} answered by the bridge but not recorded (${missing[0]!.eventId})`,
      `the new webhook ${created.id} was disabled again; ${cleanUp}`,
    );
  }
  const firstByLegacy = records.filter((r) => r?.scheme === 'legacy').length;
  out.line(
    `4. Overlap over: ${plural(delivered.length, 'event')} delivered by the new webhook, all recorded by the bridge` +
      ` (${firstByLegacy} first brought by the legacy webhooks: recorded once).`,
  );

  // 5. Delete the legacy webhooks; each one's key leaves the store with it.
  const deleted: string[] = [];
  for (const webhook of legacy) {
    try {
      await client.deleteWebhook(webhook.id);
      await target.signingKeys.remove([webhook.key]);
      deleted.push(webhook.id);
    } catch (error) {
      const left = legacy.filter((w) => !deleted.includes(w.id)).map((w) => w.id);
      throw new CommandFailure(
        `${numbered('delete-legacy')} failed at ${webhook.id}: ${reasonOf(error)}. The new webhook ${created.id} delivers every event; ` +
          `the legacy webhooks ${left.join(', ')} still deliver too (each event recorded once): delete them with \`webhooks delete <id>\`.`,
      );
    }
  }
  out.line(`5. Deleted the legacy webhooks ${deleted.join(', ')} and removed their keys.`);
  out.line(`Migrated: webhook ${created.id} (payload version ${quoApiVersion}) delivers to ${url}.`);
}

/** The legacy webhooks' numbers, or undefined for every number ('*' anywhere means all). */
function resourceIdsOf(legacy: readonly Webhook[]): string[] | undefined {
  const ids = new Set(legacy.flatMap((w) => (w.resourceIds.length === 0 ? ['*'] : w.resourceIds)));
  return ids.has('*') ? undefined : [...ids];
}

async function waitFor<T>(
  timeoutMs: number,
  sleep: (ms: number) => Promise<void>,
  now: () => number,
  probe: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found || now() >= deadline) return found;
    await sleep(250);
  }
}

/**
 * The bridge's record of the test event: by its id when the sample has one; a sample with an
 * empty id (recorded by the ingest as an ignored test delivery) is found among the ignored
 * events since the test began, by its type and creation time, signed the new way.
 */
async function recordedTestEvent(
  target: Target,
  sample: QuoTestEvent,
  since: string,
): Promise<EventRecord | undefined> {
  if (sample.id) return target.events.getEvent(sample.id);
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const listed = await target.events.listEvents('ignored', undefined, {
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const summary of listed.events) {
      if (summary.type !== sample.type || summary.statusSince < since) continue;
      const record = await target.events.getEvent(summary.eventId);
      if (record?.scheme !== 'standard-webhooks') continue;
      const body = JSON.parse(record.payload) as { createdAt?: string };
      if (body.createdAt === sample.createdAt) return record;
    }
    if (!listed.cursor) return undefined;
    cursor = listed.cursor;
  }
  return undefined;
}
