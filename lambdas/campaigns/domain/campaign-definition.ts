/**
 * What an operator defines: the campaign's name, the number it sends from, its message variants
 * and the limits it sends within. Parsing gives readable errors, one line per problem.
 */
import { z } from 'zod';
import { defaultDailyCap } from './daily-cap';
import { defaultSendingWindow, sendingWindow } from './quiet-hours';
import { messageContentLimit, parseTemplate } from './template';
import { isValidTimeZone } from '../../shared/zoned-time';

/** "is required" for a missing value instead of zod's "expected string, received undefined". */
function requiredAs(what: string) {
  return {
    error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
  };
}

/** An OpenPhone phone number id (`PN…`) or the number itself in E.164. */
export const sendingNumber = z
  .string(requiredAs('text'))
  .trim()
  .regex(/^(PN[A-Za-z0-9]+|\+[1-9]\d{6,14})$/, {
    error: 'must be an OpenPhone phone number id (PN…) or an E.164 number (+15551234567)',
  });

export const messageTemplate = z
  .string(requiredAs('text'))
  .refine((t) => t.trim() !== '', { error: 'must not be blank' })
  .refine((t) => t.length <= messageContentLimit, {
    error: `must be at most ${messageContentLimit} characters (OpenPhone's limit)`,
  })
  .superRefine((t, ctx) => {
    const parsed = parseTemplate(t);
    if (parsed.kind === 'malformed-placeholder') {
      ctx.addIssue({
        code: 'custom',
        message: `malformed placeholder ${JSON.stringify(parsed.placeholder)} at character ${parsed.index + 1}: write {{fieldName}} or {{fieldName|default}}`,
      });
    }
  });

export const campaignVariant = z.object({
  id: z
    .string(requiredAs('text'))
    .regex(/^[A-Za-z0-9_-]{1,32}$/, { error: 'must be 1–32 letters, digits, - or _' }),
  template: messageTemplate,
  weight: z.int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).default(1),
});
export type CampaignVariant = z.infer<typeof campaignVariant>;

export const timeZone = z.string(requiredAs('text')).refine(isValidTimeZone, {
  error: 'must be an IANA time zone, e.g. America/New_York',
});

export const campaignDefinition = z.object({
  name: z
    .string(requiredAs('text'))
    .trim()
    .min(1, { error: 'must not be blank' })
    .max(100, { error: 'must be at most 100 characters' }),
  sendingNumber,
  variants: z
    .array(campaignVariant, requiredAs('a list'))
    .min(1, { error: 'a campaign needs at least one variant' })
    .max(10, { error: 'at most 10 variants' })
    .superRefine((variants, ctx) => {
      const ids = variants.map((v) => v.id);
      const repeated = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
      if (repeated.length > 0)
        ctx.addIssue({ code: 'custom', message: `variant ids must be unique: ${repeated.join(', ')}` });
    }),
  /** The business's zone: the day of the daily cap, and quiet hours for numbers without a known area code. */
  timeZone,
  window: sendingWindow.default(defaultSendingWindow),
  dailyCap: z
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .default(defaultDailyCap),
  /**
   * Send with `setInboxStatus: "done"`, so a campaign does not fill the office's Quo inbox with
   * open conversations; a reply from the recipient reopens the conversation. Default true.
   */
  markConversationDone: z.boolean({ error: 'must be true or false' }).default(true),
});
export type CampaignDefinition = z.infer<typeof campaignDefinition>;
/** What an operator writes: `window`, `dailyCap` and `markConversationDone` may be left out, variant weights too. */
export type CampaignDefinitionInput = z.input<typeof campaignDefinition>;

export type CampaignDefinitionParse =
  { kind: 'valid'; definition: CampaignDefinition } | { kind: 'invalid'; problems: string[] };

/** Validates an operator's campaign; each problem reads `path: message`, e.g. `variants.1.weight: must be at least 1`. */
export function parseCampaignDefinition(input: unknown): CampaignDefinitionParse {
  const result = campaignDefinition.safeParse(input);
  if (result.success) return { kind: 'valid', definition: result.data };
  return {
    kind: 'invalid',
    problems: result.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    ),
  };
}
