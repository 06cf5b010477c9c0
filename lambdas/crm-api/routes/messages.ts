import { z } from 'zod';
import { parseQuery } from '../domain/requests';
import type { MessageSending } from '../sending/message-sending';
import { configured, json, type RouteHandlers } from './types';

export interface MessageRouteDeps {
  /** Sending one message and reading it back (sending/message-sending.ts); absent: 503 (no OpenPhone). */
  messageSending?: MessageSending;
}

const showQuery = z.object({ includeText: z.enum(['true', 'false']).optional() });

/** POST /v1/messages and GET /v1/messages/{id}. */
export function messageRoutes(deps: MessageRouteDeps): RouteHandlers<'sendMessage' | 'getMessage'> {
  const sending = () =>
    configured(deps.messageSending, 'sending', 'this API has no OpenPhone to send through');
  return {
    sendMessage: async ({ headers, body }) => {
      const answer = await sending().send(headers['idempotency-key'], body);
      return json(answer.status, answer.message);
    },
    getMessage: async ({ params, query }) => {
      const { includeText } = parseQuery(showQuery, query);
      return json(200, await sending().show(params.id, includeText === 'true'));
    },
  };
}
