import { ActivityRepository } from '../lambdas/crm/adapters/activity-repository';
import {
  activityChangeFromApiCall,
  activityChangeFromApiMessage,
} from '../lambdas/crm/domain/activity-mapping';
import { aspectAttributes, aspectNamesOf, type ActivityChange } from '../lambdas/crm/domain/activity';
import { activityIndexKeys } from '../lambdas/crm/domain/activity-index-keys';
import { followUpSettings } from '../lambdas/crm/domain/business-hours';
import { activityDayPartition, crmKeys, crmTableKeys } from '../lambdas/crm/domain/crm-keys';
import {
  activityWindowOf,
  responseHistoryOf,
  type ResponseTimeRequest,
} from '../lambdas/crm/domain/response-times';
import { readResponseTimeReport } from '../lambdas/crm-api/routes/reports';
import { apiCallSchema, apiMessageSchema } from '../lambdas/openphone/domain/webhook-payloads';
import { inParallel } from '../lambdas/shared/concurrency';
import { batchWriteAll, queryAll } from '../lambdas/shared/dynamo';
import type { CfnTemplate } from '../local/cfn-tables';
import { meteredTables } from './capacity-meter';
import type { BenchRow } from './report';
import { measureWriteUnits } from './write-units';

/**
 * The response-time report (GET /v1/reports/response-times) over a period of 90 days holding
 * `BENCH_REPORT_ACTIVITIES` messages and calls (default 100,000), stored as the activity
 * repository stores them (its facts, index keys and aspects; put in batches, as one by one through
 * its transactions 100,000 take half an hour here), beside a bare Query of the same items (the day index,
 * every page of every day the report reads) in the same run: time and read units of each. And the
 * day index's write units per webhook, beside the whole webhook mix's, measured on the same mix
 * the cost section uses.
 */

const lines = [
  { id: 'PNbenchmain', number: '+14155550100' },
  { id: 'PNbenchsvc', number: '+14155550101' },
  { id: 'PNbenchnyc', number: '+12125550102' },
  { id: 'PNbenchsea', number: '+12065550103' },
];
const users = ['USbench1', 'USbench2', 'USbench3', 'USbench4', 'USbench5'];
const settings = followUpSettings.parse({
  default: { timeZone: 'America/Los_Angeles' },
  byNumber: { PNbenchnyc: { timeZone: 'America/New_York' } },
});
const request: ResponseTimeRequest = { from: '2026-01-01', to: '2026-03-31', by: 'number' };
const periodStart = Date.parse('2026-01-01T16:00:00Z');
const periodDays = 90;
const now = new Date('2026-06-01T00:00:00Z');
const questions = [
  'Hi, can someone come look at the water heater this week? It is leaking a bit at the bottom.',
  'What time is the technician coming tomorrow?',
  'Could you send me the quote for the furnace replacement we talked about?',
];

/** A small deterministic generator (mulberry32: 32-bit integer steps), so every run writes the same activities. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Exchanges until `count` activities: a question answered after a while by one of the users, a
 * "thanks" that needs no answer, a missed call returned or not, a question never answered.
 */
function activityChanges(count: number): ActivityChange[] {
  const random = seeded(7);
  const changes: ActivityChange[] = [];
  const message = (
    id: string,
    at: number,
    line: (typeof lines)[number],
    contact: string,
    inbound: boolean,
    text: string,
    userId?: string,
  ) => {
    const iso = new Date(at).toISOString();
    const mapping = activityChangeFromApiMessage(
      apiMessageSchema.parse({
        id,
        to: [inbound ? line.number : contact],
        from: inbound ? contact : line.number,
        text,
        phoneNumberId: line.id,
        direction: inbound ? 'incoming' : 'outgoing',
        userId: userId ?? null,
        status: inbound ? 'received' : 'delivered',
        createdAt: iso,
        updatedAt: iso,
      }),
      { conversationId: `CN${line.id.slice(2)}${contact.slice(-6)}` },
    );
    if (!mapping.ok) throw new Error(`bench message not mapped: ${mapping.reason}`);
    changes.push(mapping.change);
  };
  const call = (
    id: string,
    at: number,
    line: (typeof lines)[number],
    contact: string,
    inbound: boolean,
    answeredBy?: string,
  ) => {
    const iso = new Date(at).toISOString();
    const mapping = activityChangeFromApiCall(
      apiCallSchema.parse({
        id,
        answeredAt: answeredBy ? iso : null,
        answeredBy: answeredBy ?? null,
        initiatedBy: null,
        direction: inbound ? 'incoming' : 'outgoing',
        status: answeredBy ? 'completed' : 'no-answer',
        completedAt: iso,
        createdAt: iso,
        duration: answeredBy ? 120 : 0,
        forwardedFrom: null,
        forwardedTo: null,
        phoneNumberId: line.id,
        participants: [contact, line.number],
        updatedAt: iso,
        userId: answeredBy ?? null,
      }),
      { openPhoneNumber: line.number, conversationId: `CN${line.id.slice(2)}${contact.slice(-6)}` },
    );
    if (!mapping.ok) throw new Error(`bench call not mapped: ${mapping.reason}`);
    changes.push(mapping.change);
  };
  for (let n = 0; changes.length < count; n++) {
    const line = lines[n % lines.length]!;
    const contact = `+1415${String(2_000_000 + Math.floor(random() * 2_000)).padStart(7, '0')}`;
    const at = periodStart + Math.floor(random() * periodDays * 86_400_000);
    const user = users[Math.floor(random() * users.length)]!;
    const later = at + Math.floor(random() * 240) * 60_000 + 60_000;
    const id = (k: number) => `ACrr${n.toString(16).padStart(10, '0')}${k}`;
    const kind = random();
    if (kind < 0.55) {
      message(id(0), at, line, contact, true, questions[n % questions.length]!);
      message(id(1), later, line, contact, false, 'Yes, we can do Thursday morning between 8 and 10.', user);
      if (random() < 0.3) message(id(2), later + 120_000, line, contact, true, 'ok thanks 👍');
    } else if (kind < 0.8) {
      call(id(0), at, line, contact, true);
      if (random() < 0.7) call(id(1), later, line, contact, false, user);
    } else if (kind < 0.9) {
      call(id(0), at, line, contact, true, user);
    } else {
      message(id(0), at, line, contact, true, questions[n % questions.length]!);
    }
  }
  return changes.slice(0, count);
}

/** The item `ActivityRepository.upsertActivity` stores for a first change of an activity. */
function storedItemOf({ update, eventTime }: ActivityChange): Record<string, unknown> {
  const aspects = aspectNamesOf(update).flatMap((aspect) => [
    ...Object.entries(aspectAttributes(aspect, update, update.facts.kind)),
    [`${aspect}At`, eventTime] as const,
  ]);
  return {
    ...crmKeys.activity(update.activityId),
    entity: 'activity',
    activityId: update.activityId,
    ...update.facts,
    ...activityIndexKeys(update.activityId, update.facts),
    ...Object.fromEntries(aspects),
    sources: new Set([update.source]),
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

export async function benchResponseReport(endpoint: string, template: CfnTemplate): Promise<BenchRow[]> {
  const count = Number(process.env.BENCH_REPORT_ACTIVITIES ?? 100_000);
  const { reads, writes, documents, table } = await meteredTables(endpoint, template, 'rr');
  const crmTable = table('CrmTable');
  const activities = new ActivityRepository(documents, crmTable);
  const changes = activityChanges(count);
  const groups = Array.from({ length: Math.ceil(changes.length / 500) }, (_, i) =>
    changes.slice(i * 500, (i + 1) * 500),
  );
  const written = await timed(() =>
    inParallel(groups, 4, (group) =>
      batchWriteAll(
        documents,
        crmTable,
        group.map((change) => ({ put: storedItemOf(change) })),
      ),
    ),
  );
  writes.reset();
  console.log(`response-report: stored ${count} activities in ${(written.ms / 1000).toFixed(1)} s`);

  const { start, end } = activityWindowOf(request, now);
  const days: string[] = [];
  for (let at = Date.parse(start.toISOString().slice(0, 10)); at <= end.getTime(); at += 86_400_000)
    days.push(new Date(at).toISOString().slice(0, 10));
  const bareQuery = async () => {
    let items = 0;
    await inParallel(days, 4, async (day) => {
      const entries = (
        await queryAll(documents, {
          TableName: crmTable,
          IndexName: crmTableKeys.activityDayIndex,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': crmTableKeys.activityDayPartitionKey },
          ExpressionAttributeValues: { ':pk': activityDayPartition(day) },
        })
      ).length;
      items += entries;
    });
    return items;
  };
  const report = () => readResponseTimeReport(activities, request, settings, now);

  // Each twice, alternately; the faster of the two (the first warms DynamoDB Local's pages and the JIT).
  const runs = { query: [] as number[], report: [] as number[], queryUnits: 0, reportUnits: 0 };
  let items = 0;
  let spells = 0;
  for (let round = 0; round < 2; round++) {
    reads.reset();
    const q = await timed(bareQuery);
    runs.queryUnits = reads.total();
    runs.query.push(q.ms);
    items = q.result;
    reads.reset();
    const r = await timed(report);
    runs.reportUnits = reads.total();
    runs.report.push(r.ms);
    spells = r.result.totals.spells;
  }
  if (items !== count) throw new Error(`the day index lists ${items} activities, ${count} written`);
  // Where the report's time goes: the same records computed alone.
  const records = await activities.activitiesBetween(start, end);
  const computed = await timed(async () => responseHistoryOf(records, settings));
  console.log(
    `response-report: ${spells} spells; computing them from ${records.length} records alone took ${computed.ms.toFixed(0)} ms`,
  );

  const measured = await measureWriteUnits(endpoint, template, Number(process.env.WU_ROUNDS ?? 3));
  const dayPerWebhook =
    Object.entries(measured.byPlace).find(([place]) =>
      place.endsWith(`/${crmTableKeys.activityDayIndex}`),
    )?.[1] ?? 0;

  const size = `${count.toLocaleString('en-US')} activities, 90 days`;
  return [
    {
      section: 'response-report',
      measure: `response-time report, ${size}: time`,
      value: Math.min(...runs.report),
      baseline: Math.min(...runs.query),
      unit: 'ms',
      baselineLabel: 'a bare Query of the same items (day index, every page)',
    },
    {
      section: 'response-report',
      measure: `response-time report, ${size}: read units`,
      value: runs.reportUnits,
      baseline: runs.queryUnits,
      unit: 'RCU',
      baselineLabel: 'a bare Query of the same items (day index, every page)',
    },
    {
      section: 'response-report',
      measure: 'day index write units per webhook (whole mix)',
      value: dayPerWebhook,
      baseline: measured.unitsPerWebhook,
      unit: 'WCU',
      baselineLabel: 'every write unit of a webhook, same mix',
    },
  ];
}
