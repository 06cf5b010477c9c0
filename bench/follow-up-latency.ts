// Follow-up latency on the local replica: inbound texts and replies posted as signed webhooks at a
// steady rate; how long until conversation.waiting / conversation.answered are on the bus, beside
// webhook → activity.recorded of the same run. Posts to 127.0.0.1 only.
import { environmentNames } from '../lambdas/shared/environment';
import type { CfnTemplate } from '../local/cfn-tables';
import type { BusEvent } from '../local/crm-events';
import { startLocalReplica } from '../local/replica';
import { legacyEvent, messageObject, outgoingMessageObject } from '../test/support/openphone-payloads';
import { legacySignatureHeader } from '../test/support/signers';
import { percentile, type BenchRow } from './report';

/** Open around the clock (UTC) with a 1-minute target: a text sent 2 minutes ago is due at once. */
const alwaysOpen = {
  default: {
    timeZone: 'UTC',
    openingHours: Object.fromEntries(
      ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((d) => [
        d,
        [{ start: '00:00', end: '23:59' }],
      ]),
    ),
    replyTargetMinutes: 1,
  },
  byNumber: {},
};

function withFollowUp(template: CfnTemplate): CfnTemplate {
  const copy = structuredClone(template);
  for (const resource of Object.values(copy.Resources) as {
    Type: string;
    Properties?: { Environment?: { Variables?: Record<string, string> } };
  }[]) {
    const variables = resource.Properties?.Environment?.Variables;
    if (resource.Type === 'AWS::Lambda::Function' && variables?.[environmentNames.followUp])
      variables[environmentNames.followUp] = JSON.stringify(alwaysOpen);
  }
  return copy;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One run at `perSecond` for `seconds`, in fours: an inbound text that stays waiting (→ waiting),
 * an inbound text answered 1 s later (→ answered, timed from the reply's post), the reply, and
 * another inbound text. The timer runs on the template's schedule (rate(1 minute)), so the waiting
 * latency is the schedule's wait plus the pipeline's.
 */
export async function benchFollowUpLatency(
  dynamoEndpoint: string,
  template: CfnTemplate,
  perSecond = 20,
  seconds = Number(process.env.BENCH_E2E_SECONDS ?? 60),
): Promise<BenchRow[]> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const replica = await startLocalReplica({
    port: 0,
    dynamoEndpoint,
    template: withFollowUp(template),
    log: () => undefined,
  });
  const url = new URL(replica.webhookUrl);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost')
    throw new Error(`follow-up bench posts to 127.0.0.1 only, not ${url.hostname}`);
  const [key] = replica.signingKeys as [string];
  const run = Math.random().toString(36).slice(2, 8);
  const posted = {
    activity: new Map<string, number>(),
    waiting: new Map<string, number>(),
    answered: new Map<string, number>(),
  };
  const seen = {
    activity: new Map<string, number>(),
    waiting: new Map<string, number>(),
    answered: new Map<string, number>(),
  };
  const post = async (type: string, object: Record<string, unknown>, at: string) => {
    const body = JSON.stringify(legacyEvent(type, object, at, { id: `EV${String(object.id)}` }));
    const response = await fetch(replica.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'openphone-signature': legacySignatureHeader(body, key),
      },
      body,
    });
    await response.arrayBuffer();
  };
  // The bus stand-in keeps events; a 20 ms poll stamps when each first appears.
  let watching = true;
  const conversationOf = (e: BusEvent) =>
    (e.detail as { conversation?: { id?: string } }).conversation?.id ?? '';
  const watcher = (async () => {
    while (watching) {
      const t = performance.now();
      for (const e of replica.crmEvents.bus.list()) {
        if (e.detailType === 'activity.recorded') {
          const id = (e.detail as { activityId: string }).activityId;
          if (!seen.activity.has(id)) seen.activity.set(id, t);
        } else if (e.detailType === 'conversation.waiting' && !seen.waiting.has(conversationOf(e)))
          seen.waiting.set(conversationOf(e), t);
        else if (e.detailType === 'conversation.answered' && !seen.answered.has(conversationOf(e)))
          seen.answered.set(conversationOf(e), t);
      }
      await sleep(20);
    }
  })();
  const inFlight: Promise<void>[] = [];
  try {
    const start = performance.now();
    const total = perSecond * seconds;
    for (let i = 0; i < total; i++) {
      const wait = start + (i * 1000) / perSecond - performance.now();
      if (wait > 0) await sleep(wait);
      const k = Math.floor(i / 4);
      const slot = i % 4;
      const sentAt = new Date(Date.now() - 2 * 60_000).toISOString();
      const now = new Date().toISOString();
      const text = (id: string, conversationId: string) =>
        messageObject({ id, conversationId, text: 'When can you come?', media: [], createdAt: sentAt });
      if (slot === 0 || slot === 1 || slot === 3) {
        const id = `ACfu${run}${i}`;
        const conversationId = `CNfu${run}${slot === 1 ? 'b' : 'a'}${k}${slot === 3 ? 'x' : ''}`;
        posted.activity.set(id, performance.now());
        if (slot !== 1) posted.waiting.set(conversationId, performance.now());
        inFlight.push(post('message.received', text(id, conversationId), now));
      } else if (k >= perSecond / 4) {
        // The reply to the `b` text posted a second earlier.
        const conversationId = `CNfu${run}b${k - perSecond / 4}`;
        posted.answered.set(conversationId, performance.now());
        inFlight.push(
          post(
            'message.delivered',
            outgoingMessageObject({
              id: `ACfu${run}r${i}`,
              conversationId,
              status: 'delivered',
              createdAt: now,
            }),
            now,
          ),
        );
      }
    }
    await Promise.all(inFlight);
    // Every waiting spell fires by the timer's next run, a minute at most: wait for them.
    const settleBy = performance.now() + 150_000;
    while (
      (seen.waiting.size < posted.waiting.size || seen.answered.size < posted.answered.size) &&
      performance.now() < settleBy
    )
      await sleep(250);
  } finally {
    watching = false;
    await watcher;
    await replica.stop();
  }
  const latencies = (kind: keyof typeof posted) =>
    [...posted[kind]].flatMap(([id, at]) => (seen[kind].has(id) ? [seen[kind].get(id)! - at] : []));
  const activity = latencies('activity');
  const section = `follow-up ${perSecond}/s`;
  const rows: BenchRow[] = [];
  for (const kind of ['waiting', 'answered'] as const) {
    const values = latencies(kind);
    console.log(
      `follow-up ${perSecond}/s × ${seconds}s: conversation.${kind} ${values.length} of ${posted[kind].size}`,
    );
    for (const q of [50, 95, 99])
      rows.push({
        section,
        measure: `webhook→conversation.${kind} p${q}`,
        value: percentile(values, q),
        baseline: percentile(activity, q),
        unit: 'ms',
        baselineLabel: 'webhook→activity.recorded',
      });
  }
  return rows;
}
