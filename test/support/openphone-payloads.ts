/** Small builders of OpenPhone payloads, shaped like the documented webhooks and REST objects. */

export const line = { id: 'PNline0001', number: '+15550001111' };
export const contactNumber = '+15552223333';
export const userId = 'USuser0001';
export const conversationId = 'CNconv0001';

type Json = Record<string, unknown>;

let eventCounter = 0;

export function legacyEvent(type: string, object: Json, createdAt: string, overrides: Json = {}): Json {
  eventCounter += 1;
  return {
    id: `EVlegacy${eventCounter}`,
    object: 'event',
    apiVersion: 'v3',
    createdAt,
    type,
    data: { object },
    ...overrides,
  };
}

export function standardEvent(type: string, resource: Json, timestamp: string, context: Json = {}): Json {
  eventCounter += 1;
  return {
    id: `msg_${eventCounter}`,
    type,
    timestamp,
    data: { resource, context, links: { self: `https://api.openphone.com/v1/x/${String(resource.id)}` } },
  };
}

export function messageObject(overrides: Json = {}): Json {
  return {
    id: 'ACmsg0001',
    object: 'message',
    from: contactNumber,
    to: [line.number],
    direction: 'incoming',
    text: 'Hello there',
    status: 'received',
    media: [{ url: 'https://storage.openphone.example/m1.jpg', type: 'image/jpeg' }],
    createdAt: '2026-11-20T10:00:00.000Z',
    userId: null,
    phoneNumberId: line.id,
    conversationId,
    ...overrides,
  };
}

export function outgoingMessageObject(overrides: Json = {}): Json {
  return messageObject({
    id: 'ACmsgout001',
    from: line.number,
    to: [contactNumber],
    direction: 'outgoing',
    text: 'Your order shipped',
    status: 'sent',
    media: [],
    userId,
    ...overrides,
  });
}

export const callId = 'ACcall0001';

export function callObject(overrides: Json = {}): Json {
  return {
    id: callId,
    object: 'call',
    from: contactNumber,
    to: line.number,
    direction: 'incoming',
    status: 'ringing',
    createdAt: '2026-11-20T11:00:00.000Z',
    answeredAt: null,
    completedAt: null,
    conversationId,
    phoneNumberId: line.id,
    userId,
    media: [],
    voicemail: null,
    ...overrides,
  };
}

export const completedCall = (overrides: Json = {}) =>
  callObject({
    status: 'completed',
    answeredAt: '2026-11-20T11:00:05.000Z',
    completedAt: '2026-11-20T11:04:05.000Z',
    ...overrides,
  });

export const recording = {
  url: 'https://storage.openphone.example/rec1.mp3',
  type: 'audio/mpeg',
  duration: 240,
};

export function summaryObject(overrides: Json = {}): Json {
  return {
    callId,
    object: 'callSummary',
    summary: ['The customer asked about delivery times.'],
    nextSteps: ['Send the tracking link.'],
    status: 'completed',
    ...overrides,
  };
}

export function transcriptObject(overrides: Json = {}): Json {
  return {
    callId,
    object: 'callTranscript',
    createdAt: '2026-11-20T11:06:00.000Z',
    dialogue: [
      { start: 0.5, end: 3.25, content: 'Hi, where is my order?', identifier: contactNumber, userId: null },
      { start: 3.5, end: 6, content: 'Let me check.', identifier: line.number, userId },
    ],
    duration: 240,
    status: 'completed',
    ...overrides,
  };
}

export function contactObject(overrides: Json = {}): Json {
  return {
    id: 'CTcontact01',
    object: 'contact',
    firstName: 'Ada',
    lastName: 'Lovelace',
    company: 'Analytical Engines',
    role: 'Founder',
    emails: [{ name: 'work', value: 'ada@example.com', id: 'e1' }],
    phoneNumbers: [{ name: 'mobile', value: contactNumber, id: 'p1' }],
    customFields: [{ name: 'Tier', key: 'tier', id: 'cf1', type: 'string', value: 'gold' }],
    createdAt: '2026-11-01T09:00:00.000Z',
    updatedAt: '2026-11-10T09:00:00.000Z',
    ...overrides,
  };
}

/** A message as GET /v1/messages lists it: no conversation id, no media. */
export function apiMessage(overrides: Json = {}): Json {
  return {
    id: 'ACmsg0001',
    to: [line.number],
    from: contactNumber,
    text: 'Hello there',
    phoneNumberId: line.id,
    direction: 'incoming',
    userId: null,
    status: 'received',
    createdAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T10:00:00Z',
    ...overrides,
  };
}

/** A call as GET /v1/calls lists it: participants instead of from/to. */
export function apiCall(overrides: Json = {}): Json {
  return {
    id: callId,
    answeredAt: '2026-11-20T11:00:05Z',
    answeredBy: userId,
    initiatedBy: null,
    direction: 'incoming',
    status: 'completed',
    completedAt: '2026-11-20T11:04:05Z',
    createdAt: '2026-11-20T11:00:00Z',
    duration: 245,
    forwardedFrom: null,
    forwardedTo: null,
    phoneNumberId: line.id,
    participants: [contactNumber, line.number],
    updatedAt: '2026-11-20T11:04:06Z',
    userId,
    ...overrides,
  };
}

const partyFields = ['from', 'to', 'phoneNumberId', 'conversationId', 'userId', 'object'] as const;

/**
 * The same fact as a legacy `data.object`, delivered in Quo's new envelope (2026-03-30) as its
 * payload page documents it: the resource without its parties; the line, conversation, user and
 * parties in `context` (messages: sender and recipients; calls: workspace and external participants).
 */
export function quoEventOf(
  type: string,
  object: Json,
  createdAt: string,
  overrides: { id?: string; context?: Json; resource?: Json } = {},
): Json {
  eventCounter += 1;
  const resource: Json = Object.fromEntries(
    Object.entries(object).filter(([k]) => !(partyFields as readonly string[]).includes(k)),
  );
  const to =
    object.to == null ? [] : Array.isArray(object.to) ? (object.to as string[]) : [object.to as string];
  const from = object.from as string | undefined;
  const incoming = object.direction === 'incoming';
  const lineNumber = incoming ? to[0] : from;
  const common: Json = {
    phoneNumber: { id: object.phoneNumberId ?? null, number: lineNumber ?? null },
    conversation: object.conversationId ? { id: object.conversationId } : null,
    userId: object.userId ?? null,
    contacts: { ids: [], lookupStatus: 'none' },
  };
  let context: Json = common;
  if (type.startsWith('message.')) {
    context = { ...common, senderIdentifier: from ?? null, recipientIdentifiers: to };
  } else if (type.startsWith('call.') && ('from' in object || 'to' in object)) {
    const external = incoming ? (from ? [from] : []) : to;
    context = {
      ...common,
      participants: {
        workspace: lineNumber
          ? [
              {
                phoneNumber: lineNumber,
                phoneNumberId: object.phoneNumberId ?? null,
                userId: object.userId ?? null,
              },
            ]
          : [],
        external: external.map((phoneNumber) => ({ phoneNumber })),
        resolution: 'available',
      },
    };
  }
  if (type === 'call.summary.completed' || type === 'call.transcript.completed') {
    const { status, ...rest } = resource;
    Object.keys(resource).forEach((k) => delete resource[k]);
    Object.assign(resource, rest, { processingStatus: status ?? null });
  }
  return {
    id: overrides.id ?? `EVquo${eventCounter}`,
    object: 'event',
    apiVersion: '2026-03-30',
    createdAt,
    type,
    data: {
      resource: { ...resource, ...overrides.resource },
      context: { ...context, ...overrides.context },
      links: { quo: null },
    },
  };
}

/** Both deliveries of one fact, for tests that run a behaviour over each envelope. */
export const bothEnvelopes = [
  ['legacy', legacyEvent],
  ['new (Quo 2026-03-30)', quoEventOf],
] as const satisfies readonly (readonly [
  string,
  (type: string, object: Json, createdAt: string, overrides?: { id?: string }) => Json,
])[];

export const taskId = 'TKtask0001';

/** A task as Quo's v1 API returns it (`taskId`, `completed`, `revision` as a string). */
export function taskObject(overrides: Json = {}): Json {
  return {
    taskId,
    title: 'Call back about the walnut desk',
    description: 'They asked for Saturday pick-up',
    dueDate: '2026-11-21T17:00:00.000Z',
    assignedTo: userId,
    assignedBy: userId,
    createdBy: userId,
    createdAt: '2026-11-20T10:10:00.000Z',
    completed: false,
    isDeleted: false,
    revision: '1',
    conversationId,
    ...overrides,
  };
}

/** A new-envelope voicemail resource (`call.voicemail.completed`): its own ids, the call it was left on. */
export function voicemailResource(overrides: Json = {}): Json {
  return {
    id: 'VMevent0001',
    voicemailId: 'VMvoice0001',
    callId,
    from: contactNumber,
    to: line.number,
    duration: 21,
    recordingUrl: 'https://storage.openphone.example/vm1.mp3',
    transcript: 'Hi, it is Ada, please call me back about the desk.',
    createdAt: '2026-11-20T11:00:40.000Z',
    ...overrides,
  };
}
