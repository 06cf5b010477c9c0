import { classifyReply, replyNeedOf } from '../../lambdas/crm';
import { FaultSwitches } from '../../local/openphone-simulator/faults';
import { seededRandom } from '../../local/openphone-simulator/prng';
import {
  acknowledgements,
  questions,
  inboundContact,
  optOutReplies,
  recipientReply,
  startTraffic,
  type Scheduler,
} from '../../local/openphone-simulator/traffic';
import {
  defaultTrafficRates,
  parseTrafficSetting,
  TrafficSettingError,
  type TrafficRates,
} from '../../local/openphone-simulator/traffic-rates';
import { SimulatedWorkspace } from '../../local/openphone-simulator/workspace';

/** A virtual clock: timers run in due order, as fast as the CPU allows. */
function virtualTime(start: number) {
  let now = start;
  let sequence = 0;
  const queue: { at: number; seq: number; run: () => void }[] = [];
  const schedule: Scheduler = (delayMs, run) => {
    const entry = { at: now + delayMs, seq: sequence++, run };
    queue.push(entry);
    return () => {
      const i = queue.indexOf(entry);
      if (i >= 0) queue.splice(i, 1);
    };
  };
  const runUntil = (end: number) => {
    for (;;) {
      queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = queue[0];
      if (!next || next.at > end) break;
      queue.shift();
      now = next.at;
      next.run();
    }
    now = end;
  };
  return { clock: () => now, schedule, runUntil };
}

/** A workspace, its traffic, and a carrier settling each send 50 ms later as activity.ts does. */
function simulatedDay(seed: number, rates: TrafficRates, hours: number) {
  const time = virtualTime(Date.UTC(2026, 2, 2, 14));
  const workspace = new SimulatedWorkspace({ seed, clock: time.clock });
  const faults = new FaultSwitches(seededRandom(seed, 'faults'));
  workspace.onActivity((a) => {
    if (a.type === 'message.sent')
      time.schedule(50, () => workspace.settleDelivery(a.message.id, faults.takeDeliveryOutcome()));
  });
  const traffic = startTraffic(workspace, faults, { seed, rates, schedule: time.schedule });
  // A campaign of 200 recipients at the start of the day.
  const recipients = Array.from({ length: 200 }, (_, i) => `+1206${String(5_000_000 + i)}`);
  for (const to of recipients)
    workspace.sendMessage({
      phoneNumberId: workspace.phoneNumbers[0]!.id,
      to,
      text: 'Spring tune-up: 20% off',
    });
  time.runUntil(time.clock() + hours * 3_600_000);
  traffic.stop();
  const activity = workspace
    .conversations()
    .flatMap((c) => workspace.activitiesOf(c).filter((a) => a.createdAtMs >= Date.UTC(2026, 2, 1)))
    .map((a) => ({
      id: a.id,
      at: a.createdAtMs,
      kind: a.kind,
      direction: a.direction,
      participant: a.participant,
      ...(a.kind === 'message'
        ? { text: a.text, status: a.status }
        : { status: a.status, voicemail: a.hasVoicemail }),
    }))
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return { activity, tally: traffic.tally, recipients };
}

const share = (n: number, of: number) => n / of;

describe('the simulated office day (LOCAL_TRAFFIC)', () => {
  it('replays the same day for the same seed and another day for another seed', () => {
    const rates = { ...defaultTrafficRates, inboundEveryMs: 60_000 };
    const first = simulatedDay(7, rates, 8);
    const again = simulatedDay(7, rates, 8);
    const other = simulatedDay(8, rates, 8);
    expect(first.activity.length).toBeGreaterThan(300);
    expect(again.activity).toEqual(first.activity);
    expect(other.activity).not.toEqual(first.activity);
  });

  it('has people text and call, the office answer some late and some never, and recipients reply', () => {
    const { tally, activity, recipients } = simulatedDay(
      3,
      { ...defaultTrafficRates, inboundEveryMs: 30_000 },
      24,
    );
    const absent = [
      'texts needing an answer',
      'acknowledgements',
      'calls answered',
      'missed calls',
      'missed calls with voicemail',
      'office answered',
      'office answered late',
      'replies',
      'opt-out replies',
      'undelivered',
    ].filter((kind) => !((tally[kind] ?? 0) > 0));
    expect(absent).toEqual([]);
    const optOuts = activity.filter(
      (a) =>
        a.direction === 'incoming' &&
        recipients.includes(a.participant) &&
        'text' in a &&
        optOutReplies.includes(a.text),
    );
    expect(optOuts.length).toBe(tally['opt-out replies']);
  });

  it('holds the configured rates over a sample of 20,000 draws', () => {
    const rates: TrafficRates = {
      ...defaultTrafficRates,
      callShare: 0.4,
      missedCallShare: 0.5,
      answerShare: 0.6,
      lateShare: 0.25,
    };
    const random = seededRandom(11, 'sample');
    const contacts = Array.from({ length: 20_000 }, () => inboundContact(random, rates));
    const calls = contacts.filter((c) => c.kind === 'call');
    const missed = calls.filter((c) => !c.answered);
    const texts = contacts.filter((c) => c.kind === 'text');
    const needing = [...texts.filter((t) => t.needsAnswer), ...missed];
    const answers = needing.flatMap((c) => (c.answer ? [c.answer] : []));
    const near = (value: number, expected: number) => expect(Math.abs(value - expected)).toBeLessThan(0.02);
    near(share(calls.length, contacts.length), 0.4);
    near(share(missed.length, calls.length), 0.5);
    near(share(missed.filter((c) => c.voicemail).length, missed.length), rates.voicemailShare);
    near(share(texts.filter((t) => !t.needsAnswer).length, texts.length), rates.acknowledgementShare);
    near(share(answers.length, needing.length), 0.6);
    near(share(answers.filter((a) => a.late).length, answers.length), 0.25);
    for (const a of answers) {
      const [low, high] = a.late ? rates.lateAnswerMs : rates.promptAnswerMs;
      expect(a.afterMs >= low && a.afterMs <= high).toBe(true);
    }
    expect(texts.filter((t) => t.answer && !t.needsAnswer)).toEqual([]);

    const replies = Array.from({ length: 20_000 }, () => recipientReply(random, rates));
    const given = replies.filter((r) => r !== undefined);
    near(share(given.length, replies.length), rates.replyShare);
    near(share(given.filter((r) => r.optOut).length, given.length), rates.optOutShare);

    const faults = new FaultSwitches(seededRandom(11, 'faults'));
    faults.undeliveredShare = 0.05;
    const outcomes = Array.from({ length: 20_000 }, () => faults.takeDeliveryOutcome());
    near(share(outcomes.filter((o) => o === 'undelivered').length, outcomes.length), 0.05);
  });

  it('writes opt-outs the consent rule reads as opt-outs and acknowledgements that need no answer', () => {
    for (const text of optOutReplies) expect([text, classifyReply(text).kind]).toEqual([text, 'opt-out']);
    for (const text of acknowledgements) expect([text, replyNeedOf(text).needsAnswer]).toEqual([text, false]);
    for (const text of questions) expect([text, replyNeedOf(text).needsAnswer]).toEqual([text, true]);
  });

  it('reads LOCAL_TRAFFIC over the defaults and refuses a bad setting, naming it', () => {
    expect(parseTrafficSetting(undefined)).toEqual(defaultTrafficRates);
    expect(parseTrafficSetting('off')).toBe('off');
    expect(parseTrafficSetting('answerShare=0.5, lateAnswerMs=600000-3600000')).toEqual({
      ...defaultTrafficRates,
      answerShare: 0.5,
      lateAnswerMs: [600_000, 3_600_000],
    });
    expect(() => parseTrafficSetting('answerShare=1.5')).toThrow(/answerShare/);
    expect(() => parseTrafficSetting('answerShare')).toThrow(TrafficSettingError);
    expect(() => parseTrafficSetting('replyRate=0.2')).toThrow(/replyRate/);
    expect(() => parseTrafficSetting('lateAnswerMs=9000-10')).toThrow(/lateAnswerMs/);
  });
});
