import { z } from 'zod';
import { OpenPhoneApiError, type ApiResource, type FieldError } from './errors';

export const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'Expected a phone number in E.164 format');
const phoneNumberId = z.string().regex(/^PN(.*)$/, 'Expected a phone number id (PN…)');
const userId = z.string().regex(/^US(.*)$/, 'Expected a user id (US…)');
const activityId = z.string().regex(/^AC(.*)$/, 'Expected an id starting with AC');
const dateTime = z.iso.datetime({ offset: true, message: 'Expected an ISO 8601 date-time' });
const maxResults = (max: number) =>
  z.coerce
    .number()
    .int('Expected an integer')
    .min(1, 'Expected maxResults ≥ 1')
    .max(max, `Expected maxResults ≤ ${max}`);
const pageToken = z.string().min(1).optional();
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** GET /v1/messages and GET /v1/calls: scoped to one number and one participant. */
export const activityListQuery = z.object({
  phoneNumberId,
  userId: userId.optional(),
  participants: z.array(e164).length(1, 'Expected exactly one participant'),
  since: dateTime.optional(),
  createdAfter: dateTime.optional(),
  createdBefore: dateTime.optional(),
  maxResults: maxResults(100),
  pageToken,
});
export type ActivityListQuery = z.infer<typeof activityListQuery>;

export const conversationListQuery = z.object({
  phoneNumbers: z
    .array(z.union([phoneNumberId, e164]))
    .max(100, 'Expected at most 100 phone numbers')
    .optional(),
  userId: userId.optional(),
  createdAfter: dateTime.optional(),
  createdBefore: dateTime.optional(),
  updatedAfter: dateTime.optional(),
  updatedBefore: dateTime.optional(),
  excludeInactive: flag.optional(),
  maxResults: maxResults(100).default(10),
  pageToken,
});
export type ConversationListQuery = z.infer<typeof conversationListQuery>;

export const pagedListQuery = z.object({ maxResults: maxResults(50).default(10), pageToken });
export const contactListQuery = z.object({
  externalIds: z.array(z.string()).optional(),
  sources: z.array(z.string()).optional(),
  maxResults: maxResults(50).default(10),
  pageToken,
});
export const userFilterQuery = z.object({ userId: userId.optional() });

export const activityIdParam = activityId;
export const webhookIdParam = z.string().regex(/^WH(.*)$/, 'Expected a webhook id (WH…)');

export const sendMessageBody = z.object({
  content: z
    .string()
    .min(1, 'Expected content of at least 1 character')
    .max(1600, 'Expected content of at most 1600 characters')
    .regex(/\S/, 'Expected content that is not blank'),
  phoneNumberId: phoneNumberId.optional(),
  from: z.union([phoneNumberId, e164], { message: 'Expected a phone number id (PN…) or an E.164 number' }),
  to: z.array(e164).length(1, 'Expected exactly one recipient'),
  userId: userId.optional(),
  setInboxStatus: z.literal('done').optional(),
});
export type SendMessageBody = z.infer<typeof sendMessageBody>;

const nullableString = z.string().nullable();
const labelledValue = z.object({ name: z.string(), value: nullableString, id: z.string().optional() });
const customFieldValue = z.object({
  key: z.string().optional(),
  id: z.string().optional(),
  value: z.union([z.array(z.string()), z.string(), z.boolean(), z.number()]).nullable(),
});
const defaultFields = z.object({
  firstName: nullableString.optional(),
  lastName: nullableString.optional(),
  company: nullableString.optional(),
  role: nullableString.optional(),
  emails: z.array(labelledValue).optional(),
  phoneNumbers: z.array(labelledValue).optional(),
});

export const createContactBody = z.object({
  defaultFields: defaultFields.extend({ firstName: nullableString }),
  customFields: z.array(customFieldValue).optional(),
  createdByUserId: userId.optional(),
  source: z.string().optional(),
  externalId: z.string().nullable().optional(),
});
export type CreateContactBody = z.infer<typeof createContactBody>;

export const updateContactBody = z.object({
  defaultFields: defaultFields.optional(),
  customFields: z.array(customFieldValue).optional(),
  externalId: z.string().nullable().optional(),
});
export type UpdateContactBody = z.infer<typeof updateContactBody>;

export const webhookEventsByFamily = {
  messages: ['message.received', 'message.delivered'],
  calls: ['call.completed', 'call.ringing', 'call.recording.completed'],
  'call-summaries': ['call.summary.completed'],
  'call-transcripts': ['call.transcript.completed'],
} as const;
export type WebhookFamily = keyof typeof webhookEventsByFamily;

export function createWebhookBody(family: WebhookFamily) {
  const events = webhookEventsByFamily[family] as unknown as [string, ...string[]];
  return z.object({
    url: z.url({ message: 'Expected an absolute URL' }),
    events: z.array(z.enum(events)).min(1, 'Expected at least one event'),
    resourceIds: z.union([z.array(phoneNumberId), z.array(z.literal('*'))]).optional(),
    userId: userId.optional(),
    label: z.string().optional(),
    status: z.enum(['enabled', 'disabled']).optional(),
  });
}

/** Query parameters as OpenPhone reads them: `name=a&name=b` or `name[]=a` for arrays. */
export function queryObject(search: URLSearchParams, arrayNames: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawName, value] of search) {
    const name = rawName.endsWith('[]') ? rawName.slice(0, -2) : rawName;
    if (arrayNames.includes(name)) {
      out[name] = [...((out[name] as string[] | undefined) ?? []), value];
    } else if (!(name in out)) {
      out[name] = value;
    }
  }
  return out;
}

/** Parses with the schema or throws a 400 in OpenPhone's shape, one entry per problem. */
export function parseOr400<T extends z.ZodType>(
  schema: T,
  input: unknown,
  resource: ApiResource,
): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    path: `/${issue.path.map(String).join('/')}`,
    message: issue.message,
    value: valueAt(input, issue.path) ?? null,
    schema: { type: schemaTypeOf(issue) },
  }));
  throw new OpenPhoneApiError(400, resource, 'The input was invalid.', { errors });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function schemaTypeOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return capitalise(issue.expected);
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    return issue.origin === 'array' ? 'Array' : issue.origin === 'string' ? 'String' : 'Number';
  }
  if (issue.code === 'invalid_format') return 'String';
  if (issue.code === 'invalid_value') return 'Enum';
  if (issue.code === 'invalid_union') return 'Union';
  return 'Unknown';
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
