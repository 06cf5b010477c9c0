import { z } from 'zod';

const share = z.number().min(0).max(1);
const milliseconds = z.number().int().min(1);

/**
 * How the simulated office's day goes: who writes and calls, what the office answers and when,
 * how campaign recipients answer. Shares are probabilities (0..1), drawn from seeded streams.
 */
export const trafficRatesSchema = z
  .strictObject({
    /** Mean gap between people texting or calling in, in ms (each gap is uniform in 0..2×). */
    inboundEveryMs: milliseconds,
    /** Share of people who call rather than text. */
    callShare: share,
    /** Share of texts that need no answer ("ok", "Thanks!", "👍"). */
    acknowledgementShare: share,
    /** Share of calls nobody picks up. */
    missedCallShare: share,
    /** Share of missed calls that leave a voicemail. */
    voicemailShare: share,
    /** Share of texts needing an answer and missed calls that the office ever answers (texts back). */
    answerShare: share,
    /** Share of the office's answers that come late (`lateAnswerMs`), the rest prompt (`promptAnswerMs`). */
    lateShare: share,
    promptAnswerMs: z.tuple([milliseconds, milliseconds]),
    lateAnswerMs: z.tuple([milliseconds, milliseconds]),
    /** Share of delivered messages sent by others (campaigns, the API) that the recipient replies to. */
    replyShare: share,
    /** Share of those replies that ask to stop, in the words people use. */
    optOutShare: share,
    recipientReplyMs: z.tuple([milliseconds, milliseconds]),
    /** Share of sent messages the carrier reports undelivered. */
    undeliveredShare: share,
  })
  .superRefine((rates, context) => {
    for (const name of ['promptAnswerMs', 'lateAnswerMs', 'recipientReplyMs'] as const)
      if (rates[name][0] > rates[name][1])
        context.addIssue({
          code: 'custom',
          path: [name],
          message: `${name}: the low end is above the high end`,
        });
  });

export type TrafficRates = z.infer<typeof trafficRatesSchema>;

export const defaultTrafficRates: TrafficRates = {
  inboundEveryMs: 20_000,
  callShare: 0.3,
  acknowledgementShare: 0.2,
  missedCallShare: 0.4,
  voicemailShare: 0.5,
  answerShare: 0.75,
  lateShare: 0.3,
  promptAnswerMs: [20_000, 8 * 60_000],
  lateAnswerMs: [20 * 60_000, 2 * 3_600_000],
  replyShare: 0.3,
  optOutShare: 0.15,
  recipientReplyMs: [5_000, 5 * 60_000],
  undeliveredShare: 0.05,
};

export class TrafficSettingError extends Error {
  override readonly name = 'TrafficSettingError';
}

/**
 * `LOCAL_TRAFFIC`: `off`, or `name=value` pairs over the defaults
 * (`answerShare=0.5,optOutShare=0.3,lateAnswerMs=600000-3600000`). Undefined or empty: the defaults.
 */
export function parseTrafficSetting(setting: string | undefined): TrafficRates | 'off' {
  const text = setting?.trim() ?? '';
  if (text === 'off') return 'off';
  if (text === '') return defaultTrafficRates;
  const overrides: Record<string, unknown> = {};
  for (const pair of text.split(',')) {
    const [name, value, ...rest] = pair.split('=').map((s) => s.trim());
    if (!name || value === undefined || rest.length > 0)
      throw new TrafficSettingError(`LOCAL_TRAFFIC: "${pair}" is not name=value`);
    overrides[name] = value.includes('-') ? value.split('-').map(Number) : Number(value);
  }
  const parsed = trafficRatesSchema.safeParse({ ...defaultTrafficRates, ...overrides });
  if (!parsed.success)
    throw new TrafficSettingError(
      `LOCAL_TRAFFIC: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'setting'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
