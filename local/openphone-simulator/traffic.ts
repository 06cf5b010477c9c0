import type { FaultSwitches } from './faults';
import { integerBetween, pick, seededRandom, type Random } from './prng';
import { defaultTrafficRates, type TrafficRates } from './traffic-rates';
import type { SimulatedWorkspace, WorkspaceActivity } from './workspace';

/** The office's answer to someone waiting: a text back, after `afterMs`. */
export interface OfficeAnswer {
  readonly afterMs: number;
  /** Drawn from `lateAnswerMs` (after the reply target) rather than `promptAnswerMs`. */
  readonly late: boolean;
  readonly text: string;
}

export type InboundContact =
  | {
      readonly kind: 'text';
      readonly text: string;
      readonly needsAnswer: boolean;
      readonly answer?: OfficeAnswer;
    }
  | {
      readonly kind: 'call';
      readonly answered: boolean;
      readonly voicemail: boolean;
      readonly answer?: OfficeAnswer;
    };

export interface RecipientReply {
  readonly afterMs: number;
  readonly text: string;
  readonly optOut: boolean;
  readonly answer?: OfficeAnswer;
}

// What people write to a field-service office; each needs an answer.
export const questions = [
  'Hi, can someone look at our boiler tomorrow morning?',
  "What's your price for a service call?",
  'Are you open on Saturday?',
  'The AC stopped working again, can you come today?',
  'Can I move my appointment to Thursday?',
  'Is the technician still coming at 2?',
  'Do you do gutter cleaning?',
  'Got your quote. Is the price with parts?',
];
/** Texts that need no answer (the reply-needed rule's acknowledgements). */
export const acknowledgements = ['ok', 'Thanks!', '👍', 'ok thanks', 'Sounds good', 'Perfect, see you then'];
/** Opt-outs as people write them; every one reads as `opt-out` under the consent rule. */
export const optOutReplies = [
  'please stop texting me',
  'Stop.',
  'unsubscribe me',
  'STOP',
  'Remove me from your list',
];
/** Replies to a campaign message that are not opt-outs: interest (needs an answer) or thanks. */
export const campaignAnswers = [
  'Yes please, how much would that be?',
  'Interested. What days do you have next week?',
  'Can you call me about this?',
  'Thanks!',
];
const officeTexts = [
  'Thanks for your message! We can come tomorrow at 10, does that work?',
  'Hi, yes we can help. Our call-out fee is $89, parts extra.',
  "We're on it, a technician will call you shortly.",
];
const callBackTexts = [
  'Sorry we missed your call, how can we help?',
  'Hi, you called us earlier: what can we do for you?',
];

const between = (random: Random, [low, high]: readonly [number, number]) => integerBetween(random, low, high);

function officeAnswer(
  random: Random,
  rates: TrafficRates,
  texts: readonly string[],
): OfficeAnswer | undefined {
  if (random() >= rates.answerShare) return undefined;
  const late = random() < rates.lateShare;
  return {
    afterMs: between(random, late ? rates.lateAnswerMs : rates.promptAnswerMs),
    late,
    text: pick(random, texts),
  };
}

/** Someone texts or calls the office: what they do, and whether and when the office answers. Pure. */
export function inboundContact(random: Random, rates: TrafficRates): InboundContact {
  if (random() < rates.callShare) {
    const answered = random() >= rates.missedCallShare;
    if (answered) return { kind: 'call', answered, voicemail: false };
    const voicemail = random() < rates.voicemailShare;
    const answer = officeAnswer(random, rates, callBackTexts);
    return { kind: 'call', answered, voicemail, ...(answer ? { answer } : {}) };
  }
  if (random() < rates.acknowledgementShare)
    return { kind: 'text', text: pick(random, acknowledgements), needsAnswer: false };
  const answer = officeAnswer(random, rates, officeTexts);
  return { kind: 'text', text: pick(random, questions), needsAnswer: true, ...(answer ? { answer } : {}) };
}

/** A recipient of a delivered message answers it, or not. Pure. */
export function recipientReply(random: Random, rates: TrafficRates): RecipientReply | undefined {
  if (random() >= rates.replyShare) return undefined;
  const afterMs = between(random, rates.recipientReplyMs);
  if (random() < rates.optOutShare) return { afterMs, text: pick(random, optOutReplies), optOut: true };
  const text = pick(random, campaignAnswers);
  const answer = text === 'Thanks!' ? undefined : officeAnswer(random, rates, officeTexts);
  return { afterMs, text, optOut: false, ...(answer ? { answer } : {}) };
}

/** Runs `run` after `delayMs`; returns a cancel. Tests pass a virtual clock's. */
export type Scheduler = (delayMs: number, run: () => void) => () => void;

const realTimers: Scheduler = (delayMs, run) => {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

export interface TrafficOptions {
  readonly seed: number;
  readonly rates?: TrafficRates;
  readonly schedule?: Scheduler;
}

export interface RunningTraffic {
  /** What the traffic has done so far, by kind. */
  readonly tally: Record<string, number>;
  stop(): void;
}

/**
 * The simulated office's day: people text and call in, the office texts some back (some late,
 * some never), recipients of messages sent by others (campaigns) reply or ask to stop, and the
 * carrier leaves some messages undelivered. Every choice is drawn from (seed, what it is about),
 * so a seed replays the same day.
 */
export function startTraffic(
  workspace: SimulatedWorkspace,
  faults: FaultSwitches,
  options: TrafficOptions,
): RunningTraffic {
  const rates = options.rates ?? defaultTrafficRates;
  const schedule = options.schedule ?? realTimers;
  const cancels = new Set<() => void>();
  const officeSends = new Set<string>();
  const tally: Record<string, number> = {};
  const count = (what: string) => (tally[what] = (tally[what] ?? 0) + 1);
  let stopped = false;
  faults.undeliveredShare = rates.undeliveredShare;

  const later = (delayMs: number, run: () => void) => {
    const cancel = schedule(delayMs, () => {
      cancels.delete(cancel);
      if (!stopped) run();
    });
    cancels.add(cancel);
  };
  const answerLater = (phoneNumberId: string, to: string, answer: OfficeAnswer | undefined) => {
    if (!answer) return;
    later(answer.afterMs, () => {
      const sent = workspace.sendMessage({ phoneNumberId, to, text: answer.text });
      officeSends.add(sent.id);
      count(answer.late ? 'office answered late' : 'office answered');
    });
  };

  let arrivals = 0;
  const nextArrival = () => {
    const k = arrivals++;
    const random = seededRandom(options.seed, 'traffic', 'arrival', k);
    later(integerBetween(random, 1, 2 * rates.inboundEveryMs), () => {
      const phoneNumber = pick(random, workspace.phoneNumbers);
      // Mostly people the office knows (a seeded conversation of the line), some new.
      const known = workspace
        .conversations()
        .filter((c) => c.phoneNumberId === phoneNumber.id && c.index >= 0);
      const from =
        known.length > 0 && random() < 0.7
          ? pick(random, known).participant
          : newcomerNumber(options.seed, k);
      const contact = inboundContact(random, rates);
      if (contact.kind === 'text') {
        workspace.receiveMessage({ phoneNumberId: phoneNumber.id, from, text: contact.text });
        count(contact.needsAnswer ? 'texts needing an answer' : 'acknowledgements');
      } else {
        workspace.receiveCall({
          phoneNumberId: phoneNumber.id,
          from,
          answered: contact.answered,
          voicemail: contact.voicemail,
        });
        count(
          contact.answered
            ? 'calls answered'
            : contact.voicemail
              ? 'missed calls with voicemail'
              : 'missed calls',
        );
      }
      if (contact.kind === 'text' ? contact.needsAnswer : !contact.answered)
        answerLater(phoneNumber.id, from, contact.answer);
      nextArrival();
    });
  };
  nextArrival();

  const unsubscribe = workspace.onActivity((activity: WorkspaceActivity) => {
    if (activity.type !== 'message.delivered') return;
    const message = activity.message;
    if (message.direction !== 'outgoing' || officeSends.has(message.id)) return;
    if (message.status !== 'delivered') {
      count('undelivered');
      return;
    }
    const reply = recipientReply(seededRandom(options.seed, 'traffic', 'reply', message.id), rates);
    if (!reply) return;
    later(reply.afterMs, () => {
      workspace.receiveMessage({
        phoneNumberId: message.phoneNumberId,
        from: message.participant,
        text: reply.text,
      });
      count(reply.optOut ? 'opt-out replies' : 'replies');
      answerLater(message.phoneNumberId, message.participant, reply.answer);
    });
  });

  return {
    tally,
    stop() {
      stopped = true;
      unsubscribe();
      for (const cancel of cancels) cancel();
      cancels.clear();
    },
  };
}

/** A number the seeded workspace does not use (its participants are +1<area>2xxxxxx). */
function newcomerNumber(seed: number, k: number): string {
  const random = seededRandom(seed, 'traffic', 'newcomer', k);
  return `+1${pick(random, ['415', '212', '312', '617'])}3${String(integerBetween(random, 0, 999_999)).padStart(6, '0')}`;
}
