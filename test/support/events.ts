import { randomBytes } from 'node:crypto';

let counter = 0;

export function eventId(): string {
  return `EV${randomBytes(8).toString('hex')}${(counter++).toString(36)}`;
}

/** A legacy OpenPhone envelope, with the documented message shape as the default object. */
export function legacyEvent(
  overrides: { id?: string; type?: string; object?: Record<string, unknown>; createdAt?: string } = {},
) {
  return {
    id: overrides.id ?? eventId(),
    object: 'event',
    apiVersion: 'v3',
    createdAt: overrides.createdAt ?? new Date().toISOString(),
    type: overrides.type ?? 'message.received',
    data: {
      object: overrides.object ?? {
        id: `AC${randomBytes(8).toString('hex')}`,
        object: 'message',
        from: '+15555550123',
        to: ['+15555550199'],
        direction: 'incoming',
        text: 'The crack in the wall is getting bigger',
        status: 'received',
        createdAt: new Date().toISOString(),
        userId: 'USabc123',
        phoneNumberId: 'PNabc123',
        conversationId: 'CNabc123',
      },
    },
  };
}

/** A Standard Webhooks (beta) envelope: `data.resource` instead of `data.object`, no body id. */
export function standardEvent(overrides: { type?: string; id?: string } = {}) {
  return {
    ...(overrides.id ? { id: overrides.id } : {}),
    type: overrides.type ?? 'message.received',
    timestamp: new Date().toISOString(),
    data: {
      resource: { id: `AC${randomBytes(8).toString('hex')}`, direction: 'incoming', text: 'hello' },
      context: { phoneNumberId: 'PNabc123' },
      links: {},
    },
  };
}
