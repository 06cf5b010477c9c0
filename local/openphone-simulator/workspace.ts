import { integerBetween, pick, randomHex, seededRandom, type Random } from './prng';
import { SimulatedTasks } from './tasks';
import type {
  ActivityRecord,
  CallRecord,
  CallStatus,
  ContactRecord,
  ConversationRecord,
  MessageRecord,
  MessageStatus,
  PhoneNumberRecord,
  UserRecord,
} from './resources';

export interface WorkspaceSize {
  /** Workspace phone numbers (PN…). Default 2. */
  readonly phoneNumbers: number;
  /** Users (US…), shared out over the phone numbers. Default 3. */
  readonly users: number;
  /** Conversations (CN…) per phone number, one external participant each. Default 5. */
  readonly conversationsPerNumber: number;
  /** Seeded messages per conversation. Default 12. */
  readonly messagesPerConversation: number;
  /** Seeded calls per conversation. Default 3. */
  readonly callsPerConversation: number;
  /**
   * Only every n-th conversation has its calls; in the others those positions are messages
   * (an office's texting threads, a call in some). Default 1: every conversation.
   */
  readonly callsInEvery?: number;
  /** Contacts. Default 20. */
  readonly contacts: number;
}

export const defaultWorkspaceSize: WorkspaceSize = {
  phoneNumbers: 2,
  users: 3,
  conversationsPerNumber: 5,
  messagesPerConversation: 12,
  callsPerConversation: 3,
  contacts: 20,
};

export interface WorkspaceOptions {
  readonly seed: number;
  readonly size?: Partial<WorkspaceSize>;
  /** Seeded history ends at this instant (ms); run-time activity is stamped with `clock()`. */
  readonly historyEndsAt?: number;
  readonly clock?: () => number;
}

/** What happened in the workspace; the simulator turns these into webhooks. */
export type WorkspaceActivity =
  | { readonly type: 'message.received'; readonly message: MessageRecord }
  | { readonly type: 'message.sent'; readonly message: MessageRecord }
  | { readonly type: 'message.delivered'; readonly message: MessageRecord }
  | { readonly type: 'call.completed'; readonly call: CallRecord };

export interface InboundMessageOptions {
  readonly phoneNumberId?: string;
  /** The sender (E.164); defaults to the participant of one of the number's conversations. */
  readonly from?: string;
  readonly text?: string;
}

export interface InboundCallOptions {
  readonly phoneNumberId?: string;
  readonly from?: string;
  /** false: a missed call (with a voicemail unless `voicemail` is false). Default true. */
  readonly answered?: boolean;
  /** Whether a missed call leaves a voicemail. Default true. */
  readonly voicemail?: boolean;
  readonly durationSeconds?: number;
}

export interface OutgoingMessage {
  readonly phoneNumberId: string;
  readonly to: string;
  readonly text: string;
  readonly userId?: string;
  /** OpenPhone's stamp of the send's instant (its clock, its precision). @default the instant as is */
  readonly stamp?: (createdAtMs: number) => number;
  /** `done`: the send leaves the conversation out of the inbox (POST /v1/messages `setInboxStatus`). */
  readonly setInboxStatus?: 'done';
}

const day = 86_400_000;
const areaCodes = ['415', '212', '312', '617', '206', '303', '512', '404'];
const firstNames = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Ken',
  'Radia',
  'Linus',
  'Margaret',
  'Donald',
];
const lastNames = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Perlman', 'Hamilton'];
const companies = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', null];
const words =
  'hi hello thanks order invoice tomorrow today meeting call back please confirm address delivery price quote schedule update ok great sure when where ready'.split(
    ' ',
  );
const conversationCacheSize = 256;

/**
 * A deterministic OpenPhone workspace. Numbers, users, contacts and conversations are built
 * up front (they are few); the messages and calls of a conversation are generated on demand
 * from (seed, conversation, position), so 50,000 of them cost nothing until they are read.
 */
export class SimulatedWorkspace {
  readonly seed: number;
  readonly size: WorkspaceSize;
  readonly historyEndsAt: number;
  readonly phoneNumbers: readonly PhoneNumberRecord[];
  readonly users: readonly UserRecord[];
  readonly contacts = new Map<string, ContactRecord>();
  /** Tasks made through `/v1/tasks` (tasks.ts). */
  readonly tasks: SimulatedTasks;

  private readonly clock: () => number;
  private readonly idTag: string;
  private readonly runtimeRandom: Random;
  private readonly conversationList: ConversationRecord[] = [];
  private readonly conversationsById = new Map<string, ConversationRecord>();
  private readonly conversationsByPair = new Map<string, ConversationRecord>();
  private readonly addedItems = new Map<string, ActivityRecord>();
  private readonly activityCache = new Map<string, ActivityRecord[]>();
  private readonly listeners = new Set<(activity: WorkspaceActivity) => void>();
  private newestFirstCache: ConversationRecord[] | undefined;
  private readonly seededConversationCount: number;
  private readonly itemsPerConversation: number;
  /** slot (ms between seeded items) per seeded conversation, parallel to conversationList. */
  private readonly slots: number[] = [];

  constructor(options: WorkspaceOptions) {
    this.seed = options.seed;
    this.size = { ...defaultWorkspaceSize, ...options.size };
    for (const [name, value] of Object.entries(this.size)) {
      if (!Number.isInteger(value) || value < 0) throw new RangeError(`size.${name} must be an integer ≥ 0`);
    }
    if (this.size.phoneNumbers < 1 || this.size.users < 1)
      throw new RangeError('a workspace needs at least one phone number and one user');
    this.historyEndsAt = options.historyEndsAt ?? Date.UTC(2026, 0, 1);
    this.clock = options.clock ?? Date.now;
    this.idTag = randomHex(seededRandom(this.seed, 'tag'), 8);
    this.runtimeRandom = seededRandom(this.seed, 'runtime');
    this.tasks = new SimulatedTasks(seededRandom(this.seed, 'tasks'), this.clock);
    this.itemsPerConversation = this.size.messagesPerConversation + this.size.callsPerConversation;

    const setup = seededRandom(this.seed, 'setup');
    const groupId = `GR${randomHex(setup, 10)}`;
    const historyStarts = this.historyEndsAt - 400 * day;
    this.users = Array.from({ length: this.size.users }, (_, i) => {
      const firstName = firstNames[i % firstNames.length]!;
      const lastName = lastNames[(i * 3) % lastNames.length]!;
      return {
        id: `US${randomHex(setup, 10)}`,
        email: `${firstName}.${lastName}${i}@example.com`.toLowerCase(),
        firstName,
        lastName,
        role: i === 0 ? 'owner' : i === 1 ? 'admin' : 'member',
        groupId,
        createdAtMs: historyStarts + i * day,
      };
    });
    this.phoneNumbers = Array.from({ length: this.size.phoneNumbers }, (_, p) => ({
      id: `PN${randomHex(setup, 10)}`,
      number: `+1${areaCodes[p % areaCodes.length]}555${String(1000 + p).padStart(4, '0')}`,
      name: p === 0 ? 'Main line' : `Line ${p + 1}`,
      groupId,
      userIds: [this.users[p % this.users.length]!.id, this.users[(p + 1) % this.users.length]!.id].filter(
        (id, i, all) => all.indexOf(id) === i,
      ),
      createdAtMs: historyStarts + p * day,
    }));

    this.seededConversationCount = this.size.phoneNumbers * this.size.conversationsPerNumber;
    for (let g = 0; g < this.seededConversationCount; g++) this.addConversation(this.seededConversation(g));
    for (let i = 0; i < this.size.contacts; i++) {
      const contact = this.seededContact(i);
      this.contacts.set(contact.id, contact);
    }
  }

  /** Register for workspace activity; returns the unsubscribe function. */
  onActivity(listener: (activity: WorkspaceActivity) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  phoneNumberById(id: string): PhoneNumberRecord | undefined {
    return this.phoneNumbers.find((p) => p.id === id);
  }

  phoneNumberByNumber(e164: string): PhoneNumberRecord | undefined {
    return this.phoneNumbers.find((p) => p.number === e164);
  }

  userById(id: string): UserRecord | undefined {
    return this.users.find((u) => u.id === id);
  }

  /** Every conversation, newest created first (ties by id), a stable order for paging. */
  conversations(): readonly ConversationRecord[] {
    this.newestFirstCache ??= [...this.conversationList].sort(
      (a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    );
    return this.newestFirstCache;
  }

  conversationById(id: string): ConversationRecord | undefined {
    return this.conversationsById.get(id);
  }

  conversationFor(phoneNumberId: string, participant: string): ConversationRecord | undefined {
    return this.conversationsByPair.get(`${phoneNumberId}|${participant}`);
  }

  /** A conversation's messages and calls, newest first. */
  activitiesOf(conversation: ConversationRecord): readonly ActivityRecord[] {
    const cached = this.activityCache.get(conversation.id);
    if (cached) {
      this.activityCache.delete(conversation.id);
      this.activityCache.set(conversation.id, cached);
      return cached;
    }
    const items: ActivityRecord[] = [];
    for (let i = conversation.addedItemIds.length - 1; i >= 0; i--) {
      items.push(this.addedItems.get(conversation.addedItemIds[i]!)!);
    }
    if (conversation.index >= 0) {
      for (let j = this.itemsPerConversation - 1; j >= 0; j--)
        items.push(this.seededItem(conversation.index, j));
    }
    this.activityCache.set(conversation.id, items);
    if (this.activityCache.size > conversationCacheSize) {
      this.activityCache.delete(this.activityCache.keys().next().value!);
    }
    return items;
  }

  /** A message or call by its AC… id. */
  activityById(id: string): ActivityRecord | undefined {
    const added = this.addedItems.get(id);
    if (added) return added;
    const match = /^AC([0-9a-f]{8})([0-9a-f]{6})([0-9a-f]{5})$/.exec(id);
    if (!match || match[1] !== this.idTag) return undefined;
    const g = parseInt(match[2]!, 16);
    const j = parseInt(match[3]!, 16);
    if (g >= this.seededConversationCount || j >= this.itemsPerConversation) return undefined;
    return this.seededItem(g, j);
  }

  /** How many objects the workspace holds now. */
  counts(): { conversations: number; messages: number; calls: number; contacts: number } {
    const withCalls = Math.ceil(this.seededConversationCount / (this.size.callsInEvery ?? 1));
    let calls = withCalls * this.size.callsPerConversation;
    let messages = this.seededConversationCount * this.itemsPerConversation - calls;
    for (const item of this.addedItems.values()) {
      if (item.kind === 'message') messages++;
      else calls++;
    }
    return { conversations: this.conversationList.length, messages, calls, contacts: this.contacts.size };
  }

  /** Records an outgoing message (POST /v1/messages) in state `queued`. */
  sendMessage(outgoing: OutgoingMessage): MessageRecord {
    const phoneNumber = this.requirePhoneNumber(outgoing.phoneNumberId);
    const conversation = this.conversationWith(phoneNumber, outgoing.to);
    const message: MessageRecord = {
      kind: 'message',
      id: this.newActivityId(),
      conversationId: conversation.id,
      phoneNumberId: phoneNumber.id,
      workspaceNumber: phoneNumber.number,
      participant: outgoing.to,
      userId: outgoing.userId ?? conversation.userId,
      direction: 'outgoing',
      text: outgoing.text,
      status: 'queued',
      createdAtMs: (outgoing.stamp ?? ((ms: number) => ms))(this.nextTime(conversation)),
      updatedAtMs: 0,
    };
    message.updatedAtMs = message.createdAtMs;
    this.addActivity(conversation, message);
    if (outgoing.setInboxStatus === 'done') conversation.inboxStatus = 'done';
    this.notify({ type: 'message.sent', message });
    return message;
  }

  /** The carrier's verdict on a sent message: sets its status and announces it. */
  settleDelivery(messageId: string, status: Extract<MessageStatus, 'delivered' | 'undelivered'>): void {
    const message = this.addedItems.get(messageId);
    if (!message || message.kind !== 'message') throw new Error(`no sent message ${messageId}`);
    message.status = status;
    message.updatedAtMs = Math.max(this.clock(), message.createdAtMs);
    this.notify({ type: 'message.delivered', message });
  }

  /** A text arrives from outside: recorded, and announced as `message.received`. */
  receiveMessage(options: InboundMessageOptions = {}): MessageRecord {
    const phoneNumber = this.requirePhoneNumber(options.phoneNumberId ?? this.phoneNumbers[0]!.id);
    const conversation = this.conversationWith(
      phoneNumber,
      options.from ?? this.someParticipant(phoneNumber),
    );
    const createdAtMs = this.nextTime(conversation);
    const message: MessageRecord = {
      kind: 'message',
      id: this.newActivityId(),
      conversationId: conversation.id,
      phoneNumberId: phoneNumber.id,
      workspaceNumber: phoneNumber.number,
      participant: conversation.participant,
      userId: conversation.userId,
      direction: 'incoming',
      text: options.text ?? sentence(this.runtimeRandom),
      status: 'delivered',
      createdAtMs,
      updatedAtMs: createdAtMs,
    };
    this.addActivity(conversation, message);
    this.notify({ type: 'message.received', message });
    return message;
  }

  /** A call comes in and ends: recorded, and announced as `call.completed`. */
  receiveCall(options: InboundCallOptions = {}): CallRecord {
    const phoneNumber = this.requirePhoneNumber(options.phoneNumberId ?? this.phoneNumbers[0]!.id);
    const conversation = this.conversationWith(
      phoneNumber,
      options.from ?? this.someParticipant(phoneNumber),
    );
    const answered = options.answered ?? true;
    const durationSeconds = answered
      ? (options.durationSeconds ?? integerBetween(this.runtimeRandom, 30, 600))
      : 0;
    const createdAtMs = this.nextTime(conversation);
    const answeredAtMs = answered ? createdAtMs + 4000 : null;
    const call: CallRecord = {
      kind: 'call',
      id: this.newActivityId(),
      conversationId: conversation.id,
      phoneNumberId: phoneNumber.id,
      workspaceNumber: phoneNumber.number,
      participant: conversation.participant,
      userId: conversation.userId,
      direction: 'incoming',
      status: answered ? 'completed' : 'missed',
      createdAtMs,
      answeredAtMs,
      completedAtMs: (answeredAtMs ?? createdAtMs + 20_000) + durationSeconds * 1000,
      durationSeconds,
      hasVoicemail: !answered && (options.voicemail ?? true),
    };
    this.addActivity(conversation, call);
    this.notify({ type: 'call.completed', call });
    return call;
  }

  createContact(contact: Omit<ContactRecord, 'id' | 'createdAtMs' | 'updatedAtMs'>): ContactRecord {
    const now = this.clock();
    const created: ContactRecord = {
      ...contact,
      id: randomHex(this.runtimeRandom, 24),
      createdAtMs: now,
      updatedAtMs: now,
    };
    this.contacts.set(created.id, created);
    return created;
  }

  /** Fresh ids for sub-records (emails, phone numbers, custom fields) of a contact. */
  newFieldId(): string {
    return randomHex(this.runtimeRandom, 24);
  }

  /** A random stream for run-time choices (inbound timers, fault probabilities), seeded too. */
  get random(): Random {
    return this.runtimeRandom;
  }

  now(): number {
    return this.clock();
  }

  private notify(activity: WorkspaceActivity): void {
    for (const listener of this.listeners) listener(activity);
  }

  private requirePhoneNumber(id: string): PhoneNumberRecord {
    const phoneNumber = this.phoneNumberById(id);
    if (!phoneNumber) throw new Error(`no phone number ${id} in the simulated workspace`);
    return phoneNumber;
  }

  private someParticipant(phoneNumber: PhoneNumberRecord): string {
    const own = this.conversationList.filter((c) => c.phoneNumberId === phoneNumber.id);
    if (own.length > 0) return pick(this.runtimeRandom, own).participant;
    return participantNumber(this.conversationList.length + 1_000_000);
  }

  private conversationWith(phoneNumber: PhoneNumberRecord, participant: string): ConversationRecord {
    const existing = this.conversationFor(phoneNumber.id, participant);
    if (existing) return existing;
    const now = this.clock();
    const conversation: ConversationRecord = {
      id: `CN${randomHex(this.runtimeRandom, 32)}`,
      index: -1,
      phoneNumberId: phoneNumber.id,
      participant,
      userId: phoneNumber.userIds[0]!,
      name: null,
      createdAtMs: now,
      lastActivityAtMs: now,
      lastActivityId: null,
      inboxStatus: 'open',
      updatedAtMs: now,
      addedItemIds: [],
    };
    this.addConversation(conversation);
    return conversation;
  }

  private addConversation(conversation: ConversationRecord): void {
    this.conversationList.push(conversation);
    this.conversationsById.set(conversation.id, conversation);
    this.conversationsByPair.set(`${conversation.phoneNumberId}|${conversation.participant}`, conversation);
    this.newestFirstCache = undefined;
  }

  private addActivity(conversation: ConversationRecord, item: ActivityRecord): void {
    this.addedItems.set(item.id, item);
    conversation.addedItemIds.push(item.id);
    conversation.lastActivityAtMs = item.createdAtMs;
    conversation.lastActivityId = item.id;
    conversation.updatedAtMs = item.createdAtMs;
    // As Quo does: new activity (a reply, a call, a send) puts the conversation back in the inbox.
    conversation.inboxStatus = 'open';
    this.activityCache.delete(conversation.id);
  }

  /** Run-time items are stamped now, and always after everything already in the conversation. */
  private nextTime(conversation: ConversationRecord): number {
    return Math.max(this.clock(), conversation.lastActivityAtMs + 1);
  }

  private newActivityId(): string {
    return `AC${randomHex(this.runtimeRandom, 32)}`;
  }

  private seededConversation(g: number): ConversationRecord {
    const random = seededRandom(this.seed, 'conversation', g);
    const phoneNumber = this.phoneNumbers[Math.floor(g / this.size.conversationsPerNumber)]!;
    const n = this.itemsPerConversation;
    const slot = integerBetween(random, 10 * 60_000, 12 * 3_600_000);
    const lastActivityAtMs = this.historyEndsAt - integerBetween(random, 0, 30 * day);
    const createdAtMs = lastActivityAtMs - slot * Math.max(0, n - 1);
    this.slots[g] = slot;
    return {
      id: `CN${randomHex(random, 32)}`,
      index: g,
      phoneNumberId: phoneNumber.id,
      participant: participantNumber(g),
      userId: phoneNumber.userIds[g % phoneNumber.userIds.length]!,
      name: random() < 0.5 ? `${pick(random, firstNames)} ${pick(random, lastNames)}` : null,
      createdAtMs,
      lastActivityAtMs,
      lastActivityId: n > 0 ? this.seededId(g, n - 1) : null,
      inboxStatus: 'done',
      updatedAtMs: lastActivityAtMs,
      addedItemIds: [],
    };
  }

  private seededId(g: number, j: number): string {
    return `AC${this.idTag}${g.toString(16).padStart(6, '0')}${j.toString(16).padStart(5, '0')}`;
  }

  /** Calls are spread evenly among a conversation's positions; the rest are messages. */
  private isCallPosition(j: number): boolean {
    const n = this.itemsPerConversation;
    const k = this.size.callsPerConversation;
    return Math.floor(((j + 1) * k) / n) > Math.floor((j * k) / n);
  }

  private seededItem(g: number, j: number): ActivityRecord {
    const conversation = this.conversationList[g]!;
    const phoneNumber = this.phoneNumberById(conversation.phoneNumberId)!;
    const random = seededRandom(this.seed, 'item', g, j);
    const slot = this.slots[g]!;
    const jitter = Math.floor(random() * slot * 0.8);
    const createdAtMs =
      j === 0 || j === this.itemsPerConversation - 1
        ? conversation.createdAtMs + slot * j
        : conversation.createdAtMs + slot * j + jitter;
    const direction = random() < 0.5 ? 'incoming' : 'outgoing';
    const common = {
      id: this.seededId(g, j),
      conversationId: conversation.id,
      phoneNumberId: phoneNumber.id,
      workspaceNumber: phoneNumber.number,
      participant: conversation.participant,
      userId: conversation.userId,
      direction,
      createdAtMs,
    } as const;
    if (!this.isCallPosition(j) || g % (this.size.callsInEvery ?? 1) !== 0) {
      const status: MessageStatus = direction === 'outgoing' && random() < 0.05 ? 'undelivered' : 'delivered';
      return { kind: 'message', ...common, text: sentence(random), status, updatedAtMs: createdAtMs + 2000 };
    }
    const roll = random();
    const status: CallStatus =
      roll < 0.7 ? 'completed' : direction === 'incoming' ? 'missed' : roll < 0.85 ? 'no-answer' : 'busy';
    const answered = status === 'completed';
    const durationSeconds = answered ? integerBetween(random, 15, 900) : 0;
    const answeredAtMs = answered ? createdAtMs + integerBetween(random, 2000, 20_000) : null;
    return {
      kind: 'call',
      ...common,
      status,
      answeredAtMs,
      completedAtMs: (answeredAtMs ?? createdAtMs + 25_000) + durationSeconds * 1000,
      durationSeconds,
      hasVoicemail: status === 'missed' && random() < 0.5,
    };
  }

  private seededContact(i: number): ContactRecord {
    const random = seededRandom(this.seed, 'contact', i);
    const firstName = pick(random, firstNames);
    const lastName = pick(random, lastNames);
    const createdAtMs = this.historyEndsAt - integerBetween(random, 31, 365) * day;
    const conversationCount = this.conversationList.length;
    const phone =
      conversationCount > 0
        ? this.conversationList[i % conversationCount]!.participant
        : participantNumber(i);
    return {
      id: randomHex(random, 24),
      externalId: random() < 0.5 ? `crm-${i}` : null,
      source: random() < 0.5 ? 'csv' : 'public-api',
      defaultFields: {
        firstName,
        lastName,
        company: pick(random, companies),
        role: null,
        emails: [
          {
            name: 'work',
            value: `${firstName}.${lastName}.${i}@example.org`.toLowerCase(),
            id: randomHex(random, 24),
          },
        ],
        phoneNumbers: [{ name: 'mobile', value: phone, id: randomHex(random, 24) }],
      },
      customFields: [],
      createdAtMs,
      updatedAtMs: createdAtMs,
      createdByUserId: this.users[i % this.users.length]!.id,
    };
  }
}

/** A unique external NANP number for position `g`. */
function participantNumber(g: number): string {
  const area = areaCodes[g % areaCodes.length]!;
  return `+1${area}${String(2_000_000 + Math.floor(g / areaCodes.length)).padStart(7, '0')}`;
}

function sentence(random: Random): string {
  const length = integerBetween(random, 2, 12);
  const out: string[] = [];
  for (let i = 0; i < length; i++) out.push(pick(random, words));
  const text = out.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
