// The migration overlap on the replica: the simulated Quo delivers the same inbound activity
// through a legacy and a new webhook; the bridge must record each object once, lose none, and
// answer each STOP once. Baseline: the same workload through the legacy webhooks alone.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localTarget } from '../cli/local-target';
import { readSigningKeysFile, writeSigningKeysFile } from '../local/file-signing-keys';
import type { CfnTemplate } from '../local/cfn-tables';
import {
  startOpenPhoneSimulator,
  type EventIdsAcrossSystems,
  type OpenPhoneSimulator,
  type WebhookDelivery,
} from '../local/openphone-simulator';
import { startLocalReplica, type LocalReplica } from '../local/replica';
import { quoWebhookEventTypes, webhookEventsByFamily } from '../lambdas/openphone';
import type { BenchRow } from './report';

export interface MigrationWorkload {
  /** Inbound messages, each from its own person; every `stopEvery`-th says STOP. */
  messages: number;
  stopEvery: number;
  /** Inbound calls that end in voicemail. */
  voicemails: number;
}

export interface MigrationPhaseResult {
  label: string;
  objects: number;
  stops: number;
  deliveries: { legacy: number; standard: number; failed: number; answeredDuplicate: number };
  /** Events the bridge accepted that ended failed. */
  eventsFailed: number;
  /** Objects with no CRM record, and with more than one timeline entry. */
  lost: number;
  recordedTwice: number;
  /** STOPs answered other than once; replies sent in all. */
  stopsNotRepliedOnce: number;
  replies: number;
  /** STOPs with other than one suppression change on their audit trail. */
  stopsNotChangedOnce: number;
  suppressionChanges: number;
  objectsPerSecond: number;
}

export const migrationWorkload = (quick: boolean): MigrationWorkload =>
  quick ? { messages: 40, stopEvery: 4, voicemails: 8 } : { messages: 200, stopEvery: 4, voicemails: 40 };

const families = Object.keys(webhookEventsByFamily) as (keyof typeof webhookEventsByFamily)[];

async function until(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`migration bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

class MigrationRig {
  private constructor(
    readonly sim: OpenPhoneSimulator,
    readonly replica: LocalReplica,
    private readonly stateDir: string,
    /** Event ids the replica has closed: processed, or failed for good. */
    private readonly handled: Set<string>,
    /** Of those, the ones that ended failed. */
    private readonly failed: Set<string>,
  ) {}

  static async start(dynamoEndpoint: string, template: CfnTemplate): Promise<MigrationRig> {
    const sim = await startOpenPhoneSimulator({ seed: 2727, rateLimit: { limit: 100_000 } });
    const stateDir = mkdtempSync(join(tmpdir(), 'bench-migration-'));
    const handled = new Set<string>();
    const failed = new Set<string>();
    const replica = await startLocalReplica({
      port: 0,
      dynamoEndpoint,
      template,
      stateDir,
      eventSweepEveryMs: 'off',
      consentReplies: { openPhone: { apiKey: sim.apiKey, baseUrl: sim.url } },
      log: (line) => {
        const closed = / (\S+) → (processed|failed: (?!.*\(attempt \d+, retrying\)$))/.exec(line);
        if (closed) handled.add(closed[1]!);
        if (closed?.[2]?.startsWith('failed')) failed.add(closed[1]!);
      },
    });
    return new MigrationRig(sim, replica, stateDir, handled, failed);
  }

  private get openPhone() {
    process.env.OPENPHONE_API_KEY = this.sim.apiKey;
    process.env.OPENPHONE_BASE_URL = this.sim.url;
    return localTarget(join(this.stateDir, 'replica.json')).openPhone();
  }

  private storeKeys(keys: string[]): void {
    const file = join(this.stateDir, 'signing-keys.json');
    writeSigningKeysFile(file, [...readSigningKeysFile(file), ...keys]);
  }

  async subscribeLegacy(): Promise<void> {
    const client = await this.openPhone;
    const keys: string[] = [];
    for (const family of families) {
      const webhook = await client.createWebhook(family, {
        url: this.replica.webhookUrl,
        events: [...webhookEventsByFamily[family]],
        label: 'bench',
      });
      keys.push(webhook.key);
    }
    this.storeKeys(keys);
  }

  async subscribeNew(): Promise<void> {
    const client = await this.openPhone;
    const created = await client.quoWebhooks.create({
      url: this.replica.webhookUrl,
      events: [...quoWebhookEventTypes],
      label: 'bench',
    });
    this.storeKeys([created.key]);
  }

  async run(label: string, workload: MigrationWorkload, people: number): Promise<MigrationPhaseResult> {
    const { sim, replica } = this;
    const startedAt = Date.now();
    const firstDelivery = sim.webhooks.deliveries.length;
    const phone = (i: number) => `+1555${String(people + i).padStart(7, '0')}`;
    const objects: { id: string; phone: string; stop: boolean }[] = [];
    for (let i = 0; i < workload.messages; i++) {
      const stop = i % workload.stopEvery === 0;
      const message = sim.workspace.receiveMessage({ from: phone(i), text: stop ? 'STOP' : `hello ${i}` });
      objects.push({ id: message.id, phone: phone(i), stop });
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 20));
    }
    for (let i = 0; i < workload.voicemails; i++) {
      const call = sim.workspace.receiveCall({ from: phone(workload.messages + i), answered: false });
      objects.push({ id: call.id, phone: phone(workload.messages + i), stop: false });
    }
    const ids = new Set(objects.map((o) => o.id));
    const ours = (d: WebhookDelivery) => d.resourceId !== undefined && ids.has(d.resourceId);
    await sim.webhooks.settled();
    const deliveries = sim.webhooks.deliveries.slice(firstDelivery).filter(ours);
    // Every delivered copy, also one answered 200 after an attempt that timed out under load.
    const accepted = deliveries.filter((d) => d.state === 'delivered');
    await until(
      'every accepted event handled',
      () => accepted.every((d) => this.handled.has(d.eventId)),
      120_000,
    );
    const seconds = (Date.now() - startedAt) / 1000;
    // The replies' own delivery events come after the replies: let them settle before counting.
    await sim.webhooks.settled();

    let lost = 0;
    let recordedTwice = 0;
    let stopsNotRepliedOnce = 0;
    let stopsNotChangedOnce = 0;
    let suppressionChanges = 0;
    let replies = 0;
    const sent = sim.requestLog.stats().messagesSentByRecipient;
    for (const object of objects) {
      if (!(await replica.processing.activities.getActivity(object.id))) lost++;
      const { items } = await replica.processing.activities.timeline(object.phone);
      if (items.filter((a) => a.activityId === object.id).length > 1) recordedTwice++;
      if (!object.stop) continue;
      const repliesToPerson = sent[object.phone] ?? 0;
      replies += repliesToPerson;
      if (repliesToPerson !== 1) stopsNotRepliedOnce++;
      const adds = (await replica.processing.suppressions.suppressionAudit(object.phone)).filter(
        (e) => e.action === 'add',
      ).length;
      suppressionChanges += adds;
      if (adds !== 1) stopsNotChangedOnce++;
    }
    return {
      label,
      objects: objects.length,
      stops: objects.filter((o) => o.stop).length,
      deliveries: {
        legacy: deliveries.filter((d) => d.scheme === 'legacy').length,
        standard: deliveries.filter((d) => d.scheme === 'standard').length,
        failed: deliveries.filter((d) => d.state !== 'delivered').length,
        answeredDuplicate: deliveries.filter((d) => d.statusCodes.includes(200)).length,
      },
      eventsFailed: new Set(accepted.filter((d) => this.failed.has(d.eventId)).map((d) => d.eventId)).size,
      lost,
      recordedTwice,
      stopsNotRepliedOnce,
      replies,
      stopsNotChangedOnce,
      suppressionChanges,
      objectsPerSecond: objects.length / seconds,
    };
  }

  set idsAcrossSystems(mode: EventIdsAcrossSystems) {
    this.sim.webhooks.eventIdsAcrossSystems = mode;
  }

  async stop(): Promise<void> {
    await this.sim.stop();
    await this.replica.stop();
  }
}

/** Rows: each overlap phase beside the legacy-only phase of the same run. */
export function migrationRows(baseline: MigrationPhaseResult, overlaps: MigrationPhaseResult[]): BenchRow[] {
  const section = 'migration';
  const baselineLabel = 'legacy webhooks only';
  const perObject = (p: MigrationPhaseResult) => (p.deliveries.legacy + p.deliveries.standard) / p.objects;
  return overlaps.flatMap((p) => [
    {
      section,
      measure: `${p.label}: deliveries per object (legacy ${p.deliveries.legacy} + new ${p.deliveries.standard}, ${p.deliveries.answeredDuplicate} answered duplicate, ${p.deliveries.failed} failed)`,
      value: perObject(p),
      baseline: perObject(baseline),
      unit: 'deliveries',
      baselineLabel,
    },
    {
      section,
      measure: `${p.label}: objects lost / recorded twice (of ${p.objects}; ${p.eventsFailed} events failed, ${baseline.eventsFailed} in the baseline)`,
      value: p.lost + p.recordedTwice,
      baseline: baseline.lost + baseline.recordedTwice,
      unit: 'objects',
      baselineLabel,
    },
    {
      section,
      measure: `${p.label}: replies per STOP (${p.replies} for ${p.stops}; ${p.stopsNotRepliedOnce} not once)`,
      value: p.replies / p.stops,
      baseline: baseline.replies / baseline.stops,
      unit: 'replies',
      aim: 1,
      baselineLabel,
    },
    {
      section,
      measure: `${p.label}: suppression changes per STOP (${p.stopsNotChangedOnce} not once)`,
      value: p.suppressionChanges / p.stops,
      baseline: baseline.suppressionChanges / baseline.stops,
      unit: 'changes',
      aim: 1,
      baselineLabel,
    },
    {
      section,
      measure: `${p.label}: objects closed per second`,
      value: p.objectsPerSecond,
      baseline: baseline.objectsPerSecond,
      unit: 'objects/s',
      baselineLabel,
    },
  ]);
}

export async function benchMigration(
  dynamoEndpoint: string,
  template: CfnTemplate,
  quick = process.env.BENCH_QUICK === '1',
): Promise<BenchRow[]> {
  const workload = migrationWorkload(quick);
  const rig = await MigrationRig.start(dynamoEndpoint, template);
  try {
    await rig.subscribeLegacy();
    const baseline = await rig.run('legacy only', workload, 7_100_000);
    await rig.subscribeNew();
    rig.idsAcrossSystems = 'shared';
    const shared = await rig.run('overlap, one event id', workload, 7_200_000);
    rig.idsAcrossSystems = 'per-system';
    const perSystem = await rig.run('overlap, id per system', workload, 7_300_000);
    return migrationRows(baseline, [shared, perSystem]);
  } finally {
    await rig.stop();
  }
}
