import { z } from 'zod';
import { listedSuppressionReasons, reviewResolutions, suppressionChangeSources } from '../../crm';

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
          by: z.string().optional().meta({
            description:
              'Who: the IAM ARN or JWT subject of an API call, the CLI operator, or the message id that caused it (absent for an unidentified API caller).',
          }),
          note: z.string().optional().meta({ description: 'Why, in the words of the person who made it.' }),
          matched: z
            .string()
            .optional()
            .meta({ description: 'For a change a reply caused: the phrase the consent rule matched.' }),
          resolution: z
            .enum(reviewResolutions)
            .optional()
            .meta({ description: 'For a settled review: what the operator decided it was.' }),
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
    note: z.string().trim().min(1).max(500).meta({ description: 'Why, for the audit trail (required).' }),
  })
  .strict()
  .meta({ id: 'NewSuppression' });

export const liftQuery = z.object({
  reason: reason.optional().meta({
    description:
      'Lift only this reason (default: every active one but `review`, which is settled by POST …/review).',
  }),
  confirmConsent: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: '`true` when the person consented again: needed to lift an opt-out.' }),
  note: z.string().trim().max(500).optional().meta({
    description:
      'Why, for the audit trail; to lift an opt-out, how the person consented again (required then).',
  }),
});

export const reviewSettlement = z
  .object({
    resolution: z.enum(reviewResolutions).meta({
      description:
        '`opt-out`: the reply was an opt-out, the number is opted out from now on; `not-an-opt-out`: the review is lifted.',
    }),
    note: z.string().trim().min(1).max(500).optional().meta({ description: 'Why, for the audit trail.' }),
  })
  .strict()
  .meta({ id: 'ReviewSettlement' });

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
    summary: "Lift a number's suppression, with a note (an opt-out only with confirmConsent=true)",
    params: phoneParam,
    query: liftQuery,
    response: suppression,
    errors: {
      409: '`not_suppressed`: the reason asked for is not active; `review_needs_resolution`: a review is settled by POST /v1/suppressions/{phone}/review.',
    },
  },
  settleReview: {
    method: 'POST',
    path: '/v1/suppressions/{phone}/review',
    scope: 'crm/suppressions',
    summary: 'Settle a possible opt-out held for review: it was an opt-out, or it was not',
    params: phoneParam,
    body: reviewSettlement,
    response: suppression,
    errors: { 409: '`not_in_review`: the number is not held for review.' },
  },
} as const;
