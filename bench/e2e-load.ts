// End-to-end load: signed webhooks posted to the local replica at a steady rate, followed until
// every accepted event is closed. Loops are bounded in count and time and post to 127.0.0.1 only.
import { environmentNames } from '../lambdas/shared/environment';
import type { CfnTemplate } from '../local/cfn-tables';
import { startLocalReplica, type LocalReplica } from '../local/replica';
import {
  callObject,
  contactObject,
  legacyEvent,
  messageObject,
  summaryObject,
} from '../test/support/openphone-payloads';
import { legacySignatureHeader } from '../test/support/signers';
import { percentile, type BenchRow } from './report';

export interface E2eStep {
  label: string;
  perSecond: number;
  seconds: number;
  /** Every family queue refuses sends for this long, from a quarter into the step. */
  queueRefusalMs?: number;
  /** One processor invocation dies before it writes anything, at the start of the refusal window (or a quarter in). */
  processorCrash?: boolean;
}

export interface E2eStepResult {
  step: E2eStep;
  posted: number;
  accepted: number;
  duplicatesAnswered: number;
  rejected: number;
  /** Statuses that were none of 202, 200 duplicate, 401 for a tampered delivery; network errors. */
  unexpected: number;
  /** The unexpected answers by status (`503`) or error name (`TimeoutError`), for the log line. */
  unexpectedBy: Record<string, number>;
  lost: number;
  failed: number;
  recordedTwice: number;
  redispatchedBySweeper: number;
  e2eMs: { p50: number; p95: number; p99: number };
  ingestMs: { p50: number; p95: number; p99: number };
}

const families = ['message.received', 'call.completed', 'call.summary.completed', 'contact.updated'] as const;
const anchorCallId = 'ACbenchcall0';

function payloadObject(type: (typeof families)[number], n: number, now: string): Record<string, unknown> {
  switch (type) {
    case 'message.received':
      // no media: the archiver would fetch a URL off this machine
      return messageObject({ id: `ACbenchmsg${n}`, text: 'Bench message', media: [], createdAt: now });
    case 'call.completed':
      return completedCallAt(n === 0 ? anchorCallId : `ACbenchcall${n}`, now);
    case 'call.summary.completed':
      return summaryObject({ callId: anchorCallId, summary: [`Summary ${n}.`], nextSteps: ['Follow up.'] });
    case 'contact.updated':
      return contactObject({
        id: `CTbench${n}`,
        lastName: `Bench${n}`,
        company: null,
        role: null,
        emails: [],
        customFields: [],
        createdAt: now,
        updatedAt: now,
      });
  }
}

const completedCallAt = (id: string, now: string) =>
  callObject({ id, status: 'completed', createdAt: now, answeredAt: now, completedAt: now });

const eventBody = (id: string, type: string, object: Record<string, unknown>, now: string) =>
  JSON.stringify(legacyEvent(type, object, now, { id }));

const percentiles = (values: number[]) => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
});

/** The template with the sweeper's stuck age shortened (minutes, fractional), for the fault step. */
function withStuckAge(template: CfnTemplate, minutes: number): CfnTemplate {
  const copy = structuredClone(template) as {
    Resources: Record<
      string,
      { Type: string; Properties?: { Environment?: { Variables?: Record<string, string> } } }
    >;
  };
  for (const [id, resource] of Object.entries(copy.Resources)) {
    const variables = resource.Properties?.Environment?.Variables;
    if (resource.Type === 'AWS::Lambda::Function' && id.startsWith('EventSweeperSweepFunction') && variables)
      variables[environmentNames.stuckEventAfterMinutes] = String(minutes);
  }
  return copy as unknown as CfnTemplate;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runE2eStep(
  dynamoEndpoint: string,
  template: CfnTemplate,
  step: E2eStep,
  settleTimeoutMs = 180_000,
): Promise<E2eStepResult> {
  const faulty = Boolean(step.queueRefusalMs || step.processorCrash);
  const closedAt = new Map<string, number>();
  const processedLines = new Map<string, number>();
  let redispatchedBySweeper = 0;
  const failedIds = new Set<string>();
  const log = (line: string) => {
    const m = /^\[[^\]]+\] \S+ (\S+) → (.*)$/.exec(line);
    if (m) {
      const [, id, result] = m as unknown as [string, string, string];
      if (result === 'processed') processedLines.set(id, (processedLines.get(id) ?? 0) + 1);
      if (result.startsWith('failed') && !result.includes('retrying')) failedIds.add(id);
      if (
        (result === 'processed' || (result.startsWith('failed') && !result.includes('retrying'))) &&
        !closedAt.has(id)
      )
        closedAt.set(id, performance.now());
      return;
    }
    const sweep = /(\d+) re-dispatched/.exec(line);
    if (sweep) redispatchedBySweeper += Number(sweep[1]);
  };
  // The sweeper's per-event WARN lines would bury the table; its counts come through `log`.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const replica: LocalReplica = await startLocalReplica({
    port: 0,
    dynamoEndpoint,
    template: faulty ? withStuckAge(template, 0.1) : template,
    log,
    // The fault step leans on the sweeper: every 2 s, stuck after 6 s. Otherwise the template's.
    ...(faulty ? { eventSweepEveryMs: 2_000 } : {}),
  });
  const url = new URL(replica.webhookUrl);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost')
    throw new Error(`e2e bench posts to 127.0.0.1 only, not ${url.hostname}`);
  const [key] = replica.signingKeys as [string];

  // Faults: the family queues refuse sends inside a window; one processor invocation dies.
  let refuseUntil = 0;
  let crashPending = false;
  for (const queue of Object.values(replica.ingest.queues)) {
    const send = queue.send.bind(queue);
    queue.send = (body, attributes) => {
      if (performance.now() < refuseUntil) throw new Error('bench: queue refusing sends');
      return send(body, attributes);
    };
  }
  for (const queue of Object.values(replica.ingest.queues)) {
    const pollOnce = queue.pollOnce.bind(queue);
    queue.pollOnce = (consumer) =>
      pollOnce(async (event) => {
        if (crashPending) {
          crashPending = false;
          throw new Error('bench: processor died');
        }
        return consumer(event);
      });
  }

  const postStart = new Map<string, number>();
  const ingestMs: number[] = [];
  const accepted = new Set<string>();
  const acceptedBodies: string[] = [];
  let duplicatesAnswered = 0;
  let rejected = 0;
  let unexpected = 0;
  const unexpectedBy: Record<string, number> = {};
  const unexpectedAnswer = (what: string) => {
    unexpected += 1;
    unexpectedBy[what] = (unexpectedBy[what] ?? 0) + 1;
  };
  const post = async (id: string, body: string, tampered: boolean, duplicate: boolean) => {
    const signature = legacySignatureHeader(body, key);
    const header = tampered
      ? signature.slice(0, -4) + (signature.endsWith('AAA=') ? 'BBB=' : 'AAA=')
      : signature;
    const started = performance.now();
    if (!duplicate && !tampered) postStart.set(id, started);
    try {
      const response = await fetch(replica.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'openphone-signature': header },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      await response.arrayBuffer();
      if (tampered) {
        if (response.status === 401) rejected += 1;
        else unexpectedAnswer(String(response.status));
      } else if (duplicate) {
        if (response.status === 200) duplicatesAnswered += 1;
        else unexpectedAnswer(String(response.status));
      } else if (response.status === 202) {
        ingestMs.push(performance.now() - started);
        accepted.add(id);
        acceptedBodies.push(body);
      } else unexpectedAnswer(String(response.status));
    } catch (error) {
      unexpectedAnswer((error as Error).name);
    }
  };

  const total = step.perSecond * step.seconds;
  const runId = Math.random().toString(36).slice(2, 8);
  const inFlight: Promise<void>[] = [];
  const begin = performance.now();
  const faultAt = begin + (step.seconds * 1000) / 4;
  let faultArmed = faulty;
  let posted = 0;
  try {
    // The summaries attach to this call: post it first and let it close.
    const nowIso = new Date().toISOString();
    const anchorId = `EVbench${runId}anchor`;
    await post(
      anchorId,
      eventBody(anchorId, 'call.completed', completedCallAt(anchorCallId, nowIso), nowIso),
      false,
      false,
    );
    for (let waited = 0; !closedAt.has(anchorId) && waited < 10_000; waited += 50) await sleep(50);
    accepted.delete(anchorId);
    ingestMs.pop();

    const start = performance.now();
    for (let i = 0; i < total; i += 1) {
      const due = start + (i * 1000) / step.perSecond;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (faultArmed && performance.now() >= faultAt) {
        faultArmed = false;
        if (step.queueRefusalMs) refuseUntil = performance.now() + step.queueRefusalMs;
        if (step.processorCrash) crashPending = true;
      }
      const now = new Date().toISOString();
      posted += 1;
      if (i % 100 === 37) {
        // 1 %: a signed body whose signature was broken on the way
        const id = `EVbench${runId}t${i}`;
        const type = families[i % 4]!;
        inFlight.push(post(id, eventBody(id, type, payloadObject(type, i, now), now), true, false));
      } else if (i % 20 === 10 && acceptedBodies.length > 0) {
        // 5 %: OpenPhone re-posts an event it already delivered (same id, same body)
        const body = acceptedBodies[(i * 7919) % acceptedBodies.length]!;
        inFlight.push(post((JSON.parse(body) as { id: string }).id, body, false, true));
      } else {
        const id = `EVbench${runId}e${i}`;
        const type = families[i % 4]!;
        inFlight.push(post(id, eventBody(id, type, payloadObject(type, i + 1, now), now), false, false));
      }
    }
    await Promise.all(inFlight);

    // Wait until every accepted event is closed, within a generous bound.
    const settleBy = performance.now() + settleTimeoutMs;
    const open = () => [...accepted].filter((id) => !closedAt.has(id));
    while (open().length > 0 && performance.now() < settleBy) await sleep(250);
    // Anything the log did not show closed: ask the events table.
    let lost = 0;
    for (const id of open()) {
      const record = await replica.processing.events.getEvent(id);
      if (record?.status === 'processed' || record?.status === 'failed') {
        if (record.status === 'failed') failedIds.add(id);
        closedAt.set(id, performance.now());
      } else lost += 1;
    }
    await sleep(500); // a second processing of any event would show by now
    const e2eMs = [...accepted].flatMap((id) =>
      closedAt.has(id) && postStart.has(id) ? [closedAt.get(id)! - postStart.get(id)!] : [],
    );
    return {
      step,
      posted,
      accepted: accepted.size,
      duplicatesAnswered,
      rejected,
      unexpected,
      unexpectedBy,
      lost,
      failed: [...failedIds].filter((id) => accepted.has(id)).length,
      recordedTwice: [...processedLines.values()].filter((n) => n > 1).length,
      redispatchedBySweeper,
      e2eMs: percentiles(e2eMs),
      ingestMs: percentiles(ingestMs),
    };
  } finally {
    await Promise.allSettled(inFlight);
    await replica.stop();
  }
}

export function e2eStepsFromEnvironment(env = process.env): E2eStep[] {
  const seconds = Number(env.BENCH_E2E_SECONDS ?? 60);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600)
    throw new Error('BENCH_E2E_SECONDS: a number of seconds, 1–600');
  return [
    { label: '20/s', perSecond: 20, seconds },
    { label: '50/s', perSecond: 50, seconds },
    { label: '100/s', perSecond: 100, seconds },
    // The fault variant: queues refusing sends for 30 s (shorter steps: most of the step) and one processor crash.
    {
      label: '50/s fault',
      perSecond: 50,
      seconds,
      queueRefusalMs: Math.min(30_000, seconds * 500),
      processorCrash: true,
    },
  ];
}

export async function benchE2e(
  dynamoEndpoint: string,
  template: CfnTemplate,
  steps: E2eStep[] = e2eStepsFromEnvironment(),
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const step of steps) {
    const r = await runE2eStep(dynamoEndpoint, template, step);
    console.log(
      `e2e ${step.label} × ${step.seconds}s: posted ${r.posted}, accepted ${r.accepted}, ` +
        `duplicates answered 200 ${r.duplicatesAnswered}, rejected ${r.rejected}, unexpected ${r.unexpected}` +
        (r.unexpected > 0
          ? ` (${Object.entries(r.unexpectedBy)
              .map(([what, n]) => `${n}× ${what}`)
              .join(', ')})`
          : '') +
        `, ` +
        `lost ${r.lost}, closed failed ${r.failed}, recorded twice ${r.recordedTwice}, sweeper re-dispatches ${r.redispatchedBySweeper}` +
        (step.queueRefusalMs || step.processorCrash
          ? `, fault: queues refused ${step.queueRefusalMs ?? 0} ms, processor crash ${step.processorCrash ? 1 : 0}`
          : ''),
    );
    const section = `e2e ${step.label}`;
    const count = (measure: string, value: number, baseline: number, baselineLabel: string): BenchRow => ({
      section,
      measure,
      value,
      baseline,
      unit: '',
      baselineLabel,
    });
    rows.push(
      count('accepted (202)', r.accepted, r.posted, 'posted'),
      count('rejected (401, tampered)', r.rejected, Math.floor((r.posted + 62) / 100), 'tampered'),
      count('lost (must be 0)', r.lost, r.accepted, 'accepted'),
      count('recorded twice (must be 0)', r.recordedTwice, r.duplicatesAnswered, 'duplicates posted'),
    );
    if (step.queueRefusalMs || step.processorCrash)
      rows.push(count('re-dispatched by the sweeper', r.redispatchedBySweeper, r.accepted, 'accepted'));
    for (const q of ['p50', 'p95', 'p99'] as const)
      rows.push({
        section,
        measure: `webhook→CRM record ${q}`,
        value: r.e2eMs[q],
        baseline: r.ingestMs[q],
        unit: 'ms',
        baselineLabel: 'ingest only',
      });
  }
  return rows;
}
