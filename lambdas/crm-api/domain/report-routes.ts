import { z } from 'zod';
import { responseGroupings } from '../../crm';

// GET /v1/reports/response-times: how fast the office answers, per day and line or user.

/** The longest period one report covers, in days (both ends included). */
export const maxReportDays = 92;

const localDay = (what: string) =>
  z.iso
    .date({ error: 'must be a date YYYY-MM-DD, e.g. 2026-12-07' })
    .meta({ description: `${what} (inclusive), a local day of each line, YYYY-MM-DD.` });

const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

export const responseTimeQuery = z
  .object({
    from: localDay('The first day'),
    to: localDay('The last day'),
    by: z
      .enum(responseGroupings, { error: 'must be number or user' })
      .default('number')
      .meta({ description: 'Rows per line (`number`, the default) or per user who answered (`user`).' }),
  })
  .superRefine((query, context) => {
    if (query.from > query.to)
      context.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (daysBetween(query.from, query.to) + 1 > maxReportDays)
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the period may span at most ${maxReportDays} days`,
      });
  });

const counts = {
  spells: z.number().int().meta({ description: 'Waiting spells that started (docs/crm-records.md).' }),
  answered: z.number().int().meta({ description: 'Of those, the ones answered.' }),
  p50Minutes: z.number().nullable().meta({
    description: 'Median business minutes to the first answer (nearest rank); null when none was answered.',
  }),
  p90Minutes: z.number().nullable().meta({ description: '90th percentile, nearest rank.' }),
  withinTarget: z.number().int().meta({ description: "Answered within the line's reply target." }),
  targetMinutes: z.number().int().meta({
    description: "The reply target, in business minutes (the stage default when the row's lines differ).",
  }),
  missedCalls: z.number().int().meta({ description: 'Missed calls and voicemails.' }),
  missedCallsReturned: z
    .number()
    .int()
    .meta({ description: 'Followed by an outbound call or message in the same conversation.' }),
  missedCallsNotReturned: z.number().int(),
};

export const responseTimeTotals = z.object(counts).meta({ id: 'ResponseTimeTotals' });

export const responseTimeRow = z
  .object({
    day: z.string().meta({ description: "The line's local day the spells started, YYYY-MM-DD." }),
    key: z.string().meta({
      description:
        'The line (`PN…`, or its number) or the user who answered (`US…`); `unassigned` when none.',
    }),
    ...counts,
  })
  .meta({ id: 'ResponseTimeRow' });

export const missedCall = z
  .object({
    conversationId: z
      .string()
      .meta({ description: "The conversation record's id: GET /v1/conversations/{id}." }),
    phoneNumberId: z.string().optional(),
    contactNumber: z.string().meta({ description: 'Who called, E.164.' }),
    at: z.string().meta({ description: 'When (ISO 8601).' }),
    voicemail: z.boolean().meta({ description: 'A voicemail was left.' }),
    returned: z.boolean(),
  })
  .meta({ id: 'MissedCall' });

export const responseTimeReport = z
  .object({
    from: z.string(),
    to: z.string(),
    by: z.enum(responseGroupings),
    rows: z.array(responseTimeRow).meta({ description: 'Oldest day first, then by key.' }),
    totals: responseTimeTotals,
    unreturnedMissedCalls: z
      .array(missedCall)
      .meta({ description: 'The period’s missed calls not returned, newest first, at most 100.' }),
  })
  .meta({ id: 'ResponseTimeReport' });

export const reportRoutes = {
  responseTimes: {
    method: 'GET',
    path: '/v1/reports/response-times',
    scope: 'crm/read',
    summary:
      'First-response times in business minutes per day and line or user (p50/p90, within target), and missed calls returned or not',
    query: responseTimeQuery,
    response: responseTimeReport,
    errors: { 503: '`activities_not_configured`: the API was started without the activity store.' },
  },
} as const;
