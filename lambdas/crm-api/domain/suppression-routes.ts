import { z } from 'zod';
import { listedSuppressionReasons, suppressionChangeSources } from '../../crm';

// A number's suppression and its audit trail, read and changed with the CLI's rules (routes/suppressions.ts).

const reason = z.enum(listedSuppressionReasons as [string, ...string[]]);

export const suppression = z
  .object({
    phoneNumber: z.string().meta({ description: 'E.164.' }),
    suppressed: z
      .boolean()
      .meta({ description: 'Whether any reason is active: then no campaign message goes to it.' }),
    reason: reason.optional().meta({ description: 'The leading active reason (opt-out first).' }),
    since: z.string().optional().meta({ description: 'When the leading reason became active.' }),
    active: z.array(z.object({ reason, since: z.string() })).meta({ description: 'Every active reason.' }),
    audit: z
      .array(
        z.object({
          at: z.string(),
          action: z.enum(['add', 'remove', 'reply-sent']),
          reason: reason.optional(),
          source: z.enum(suppressionChangeSources),
          note: z.string().optional(),
        }),
      )
      .meta({ description: 'Every change, oldest first.' }),
  })
  .meta({ id: 'Suppression' });
export type Suppression = z.infer<typeof suppression>;

const phoneParam = z.object({
  phone: z.string().meta({ description: 'E.164, URL-encoded (`%2B15555550123`).' }),
});

export const suppressionBody = z
  .object({
    reason: z
      .literal('manual')
      .optional()
      .meta({ description: 'Only `manual`: the bridge records opt-outs, reviews and bounces itself.' }),
    note: z.string().trim().min(1).max(500).optional().meta({ description: 'Why, for the audit trail.' }),
  })
  .strict()
  .meta({ id: 'NewSuppression' });

export const liftQuery = z.object({
  reason: reason.optional().meta({ description: 'Lift only this reason (default: every active one).' }),
  confirmConsent: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: '`true` when the person consented again: needed to lift an opt-out.' }),
  note: z.string().trim().min(1).max(500).optional().meta({ description: 'Why, for the audit trail.' }),
});

export const suppressionRoutes = {
  getSuppression: {
    method: 'GET',
    path: '/v1/suppressions/{phone}',
    scope: 'crm/read',
    summary: "A number's suppression and its audit trail",
    params: phoneParam,
    response: suppression,
  },
  suppressNumber: {
    method: 'PUT',
    path: '/v1/suppressions/{phone}',
    scope: 'crm/suppressions',
    summary: 'Suppress a number (manual): no campaign message goes to it',
    params: phoneParam,
    body: suppressionBody,
    response: suppression,
  },
  liftSuppression: {
    method: 'DELETE',
    path: '/v1/suppressions/{phone}',
    scope: 'crm/suppressions',
    summary: "Lift a number's suppression (an opt-out only with confirmConsent=true)",
    params: phoneParam,
    query: liftQuery,
    response: suppression,
    errors: {
      409: '`consent_confirmation_required`: the number opted out; or `not_suppressed`: the reason asked for is not active.',
    },
  },
} as const;
