import { z } from 'zod';
import { apiMessage, sendMessageBody } from './messages';

/** `POST /v1/messages` and `GET /v1/messages/{id}`: one message, sent exactly once per key. */
export const messageRoutes = {
  sendMessage: {
    method: 'POST',
    path: '/v1/messages',
    scope: 'crm/send',
    summary:
      'Send one SMS, exactly once per Idempotency-Key, through the interactive lane of the shared limit',
    headers: z.object({
      'idempotency-key': z.string().min(1).max(255).meta({
        description:
          'Required. 1–255 printable ASCII characters, unique per message: a retry with the same key and body answers the first result and sends nothing more.',
      }),
    }),
    body: sendMessageBody,
    status: 202,
    response: apiMessage,
    errors: {
      409: '`suppressed`: the number must not be texted (opt-out, bounce, manual or review; the message says which). `idempotency_key_in_use`: a request with this key is still being sent; retry after `Retry-After` seconds.',
      422: '`idempotency_key_reused`: this key was used with another body.',
      429: '`rate_limited`: no request slot in the interactive lane within a short wait; retry after `Retry-After` seconds. Nothing was sent.',
      503: '`outcome_unknown`: the send may have reached OpenPhone and is being reconciled; retry with the same key after `Retry-After` seconds (it is never sent twice). `openphone_unavailable`: nothing was sent; retry.',
    },
  },
  getMessage: {
    method: 'GET',
    path: '/v1/messages/{id}',
    scope: 'crm/read',
    summary: 'One message sent through this API, its status following the delivery webhooks',
    params: z.object({ id: z.string() }),
    query: z.object({
      includeText: z
        .enum(['true', 'false'])
        .optional()
        .meta({ description: '`true` to include the message text (omitted by default).' }),
    }),
    response: apiMessage,
  },
} as const;
