import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ApiRequestError } from '../errors';
import { e164Pattern } from './requests';

// One message sent through the CRM API: the request, the resource, and the pure rules of sending
// it exactly once per Idempotency-Key (key checks, body fingerprint, status order).

const e164 = z.string().regex(e164Pattern, 'an E.164 number such as +15555550123');

export const sendMessageBody = z
  .object({
    to: e164.meta({ description: 'The recipient, E.164.' }),
    text: z
      .string()
      .min(1)
      .max(1600)
      .refine((t) => t.trim() !== '', 'must not be blank')
      .meta({ description: '1–1600 characters.' }),
    from: z
      .union([e164, z.string().regex(/^PN[A-Za-z0-9]{1,64}$/, 'an OpenPhone phone number id (PN…)')])
      .optional()
      .meta({
        description:
          "The workspace number to send from, E.164 or its id (`PN…`). Default: the stage's `messages.defaultFrom`, else the workspace's only number.",
      }),
  })
  .strict()
  .meta({ id: 'SendMessage' });
export type SendMessageBody = z.infer<typeof sendMessageBody>;

export const apiMessageStatuses = [
  'accepted',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
] as const;
export type ApiMessageStatus = (typeof apiMessageStatuses)[number];

export const apiMessage = z
  .object({
    id: z.string().meta({ description: 'This API’s id of the message (`msg_…`).' }),
    to: z.string().optional().meta({ description: 'The recipient (E.164); absent once it was erased.' }),
    from: z.string().optional().meta({
      description:
        'The sending number as given (E.164 or `PN…`), the default, or the workspace’s only number; absent only while an `accepted` message has not chosen it.',
    }),
    status: z.enum(apiMessageStatuses).meta({
      description:
        '`accepted` (claimed, not yet at OpenPhone), `sending` (queued at OpenPhone), `sent`, `delivered`, `undelivered` (from the delivery webhooks), `failed` (OpenPhone refused it; see `error`).',
    }),
    openPhoneMessageId: z.string().optional().meta({ description: "OpenPhone's message id (`AC…`)." }),
    text: z.string().optional().meta({ description: 'Only with `includeText=true`.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    erasedAt: z.string().optional().meta({
      description:
        'When the recipient’s number was erased (`DELETE /v1/contacts/{phone}/data`): `to` and `text` are gone; the id and status still answer a retry with the key.',
    }),
  })
  .meta({ id: 'Message' });
export type ApiMessage = z.infer<typeof apiMessage>;

/** The `Idempotency-Key` header: 1–255 printable ASCII characters, else a 400 naming it. */
export function idempotencyKeyOf(raw: string | undefined): string {
  if (raw === undefined || raw === '')
    throw new ApiRequestError(
      400,
      'invalid_request',
      'Idempotency-Key is required: a unique value per message, reused only to retry it',
      'Idempotency-Key',
    );
  if (raw.length > 255 || !/^[\x20-\x7e]+$/.test(raw))
    throw new ApiRequestError(
      400,
      'invalid_request',
      'Idempotency-Key must be 1–255 printable ASCII characters',
      'Idempotency-Key',
    );
  return raw;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The message's id, from its key: the key itself is never stored. */
export const messageIdOf = (idempotencyKey: string) =>
  `msg_${sha256(`idempotency-key:${idempotencyKey}`).slice(0, 32)}`;

/** What makes two requests "the same body": the fields as given, in a fixed order. */
export const bodyFingerprintOf = (body: SendMessageBody) =>
  sha256(JSON.stringify([body.to, body.text, body.from ?? null]));

/** OpenPhone's message status (send answer or delivery webhook) as this API's. */
export function apiStatusOf(openPhoneStatus: string | undefined): ApiMessageStatus | undefined {
  switch (openPhoneStatus) {
    case 'queued':
      return 'sending';
    case 'sent':
    case 'delivered':
    case 'undelivered':
    case 'failed':
      return openPhoneStatus;
    default:
      return undefined;
  }
}

const statusRank: Record<ApiMessageStatus, number> = {
  accepted: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
};

/** The further along of two statuses: a late or repeated webhook never rolls a status back. */
export function furtherStatus(
  stored: ApiMessageStatus,
  observed: ApiMessageStatus | undefined,
): ApiMessageStatus {
  return observed && statusRank[observed] > statusRank[stored] ? observed : stored;
}

/** `Retry-After` in whole seconds, at least 1. */
export const retryAfterSeconds = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));
