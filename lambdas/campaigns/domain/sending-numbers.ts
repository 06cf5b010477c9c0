/**
 * A sending number's own day and cap. The cold-outreach counter belongs to the number, not to a
 * campaign: every campaign on the number counts against one counter, whose day is the number's
 * day (its configured zone, else its area code's, else the first campaign's view of it), so two
 * campaigns in two time zones on one number cannot each send a full day's cap.
 */
import { z } from 'zod';
import { isValidTimeZone } from '../../shared/zoned-time';
import { timeZoneOfAreaCode } from './area-code-zones';
import { businessDayKey } from './daily-cap';

export const sendingNumberRule = z.object({
  /** The zone the number's business day is counted in. @default its area code's zone */
  timeZone: z
    .string()
    .refine(isValidTimeZone, { error: 'must be an IANA time zone, e.g. America/Chicago' })
    .optional(),
  /** Campaign messages per business day from this number, all campaigns together. @default each campaign's own cap */
  dailyCap: z.number().int().min(1).max(100_000).optional(),
});
export const sendingNumberRules = z.record(
  z.string().regex(/^(\+[1-9]\d{6,14}|PN[A-Za-z0-9]+)$/, 'E.164 (+15555550123) or a PN… id'),
  sendingNumberRule,
);
export type SendingNumberRules = z.infer<typeof sendingNumberRules>;

/** The counter a send takes its slot from: the number's id, its business day, the cap that applies. */
export interface SendingNumberDay {
  /** The number's OpenPhone id (`PN…`): one counter whether a campaign names the id or the number. */
  counterKey: string;
  businessDay: string;
  zone: string;
  cap: number;
}

export function sendingNumberDay(
  number: { id: string; number: string },
  campaign: { timeZone: string; dailyCap: number },
  rules: SendingNumberRules,
  now: Date,
): SendingNumberDay {
  const rule = rules[number.id] ?? rules[number.number];
  const areaCode = /^\+1([2-9]\d{2})/.exec(number.number)?.[1];
  const zone = rule?.timeZone ?? (areaCode && timeZoneOfAreaCode(areaCode)) ?? campaign.timeZone;
  const cap = rule?.dailyCap === undefined ? campaign.dailyCap : Math.min(rule.dailyCap, campaign.dailyCap);
  return { counterKey: number.id, businessDay: businessDayKey(now, zone), zone, cap };
}
