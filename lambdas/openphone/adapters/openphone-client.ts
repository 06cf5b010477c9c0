import {
  activityFilters,
  call,
  callRecording,
  callSummary,
  callTranscript,
  contact,
  contactChanges,
  contactFilters,
  conversation,
  conversationFilters,
  maxPageSize,
  message,
  newContact,
  outgoingMessage,
  phoneNumberList,
  user,
  userFilters,
  webhook,
  type ActivityFilters,
  type Call,
  type CallRecording,
  type CallSummary,
  type CallTranscript,
  type Contact,
  type ContactChanges,
  type ContactFilters,
  type Conversation,
  type ConversationFilters,
  type Message,
  type NewContact,
  type NewWebhook,
  type OutgoingMessage,
  type Page,
  type PhoneNumber,
  type User,
  type UserFilters,
  type Webhook,
  type WebhookFamily,
} from '../domain/openphone-api';
import type { Lane } from '../domain/token-bucket';
import { OpenPhoneInvalidRequestError } from '../errors';
import { OpenPhoneTransport, type OpenPhoneClientOptions } from './openphone-transport';
import { ConversationStateClient } from './conversation-state-client';
import { QuoMessagesClient } from './quo-messages-client';
import { QuoWebhooksClient } from './quo-webhooks-client';
import { dataOf, segment, validParameters } from './request-parameters';
import { TasksClient } from './tasks-client';

export * from '../errors';
export type { Lane, RateLimiter } from '../domain/token-bucket';
export type { OpenPhoneClientOptions, RetryEvent } from './openphone-transport';

export interface SendMessageOptions {
  /**
   * Run after the request's rate-limit token is taken and just before it goes out (again before a
   * repeat after a 429). The last moment to withdraw a send: an error it throws ends `sendMessage`
   * with that error, and nothing has been sent.
   */
  readonly beforeSend?: () => Promise<void>;
}

/**
 * OpenPhone's REST API v1, typed and validated: each method is a request and its schemas over the
 * shared request path (`OpenPhoneTransport`: rate-limit token, retries, error mapping).
 */
export class OpenPhoneClient {
  readonly #options: OpenPhoneClientOptions;
  readonly #transport: OpenPhoneTransport;
  /** Quo's new webhooks (dated API version), beside the legacy ones below. */
  readonly quoWebhooks: QuoWebhooksClient;
  /** Quo's workspace-wide message listing (dated API version), beside the per-conversation v1 list. */
  readonly quoMessages: QuoMessagesClient;
  /** Mark a conversation done, open or read (write-only at OpenPhone). */
  readonly conversationState: ConversationStateClient;
  /** Tasks on conversations (`/v1/tasks`). */
  readonly tasks: TasksClient;

  constructor(options: OpenPhoneClientOptions) {
    if (!options.apiKey)
      throw new OpenPhoneInvalidRequestError('OpenPhoneClient', [{ path: 'apiKey', message: 'required' }]);
    this.#options = options;
    this.#transport = new OpenPhoneTransport(options);
    this.quoWebhooks = new QuoWebhooksClient(this.#transport);
    this.quoMessages = new QuoMessagesClient(this.#transport);
    this.conversationState = new ConversationStateClient(this.#transport);
    this.tasks = new TasksClient(this.#transport);
  }

  /** The same client, its requests counted in another rate-limit lane. */
  forLane(lane: Lane): OpenPhoneClient {
    return new OpenPhoneClient({ ...this.#options, lane });
  }

  get lane(): Lane {
    return this.#transport.lane;
  }

  // ── Phone numbers, users ──────────────────────────────────────────────────────────────────────

  async listPhoneNumbers(filters: { userId?: string } = {}): Promise<PhoneNumber[]> {
    const page = await this.#transport.request({
      method: 'GET',
      path: '/v1/phone-numbers',
      query: { userId: filters.userId },
      schema: phoneNumberList,
    });
    return page.data;
  }

  listUsers(filters: UserFilters = {}): AsyncGenerator<Page<User>> {
    const { maxResults, startPageToken } = validParameters('listUsers', userFilters, filters);
    return this.#transport.pages('/v1/users', {}, user, maxResults ?? 50, startPageToken);
  }

  // ── Conversations, messages, calls ────────────────────────────────────────────────────────────

  listConversations(filters: ConversationFilters = {}): AsyncGenerator<Page<Conversation>> {
    const { maxResults, startPageToken, ...query } = validParameters(
      'listConversations',
      conversationFilters,
      filters,
    );
    return this.#transport.pages(
      '/v1/conversations',
      query,
      conversation,
      maxResults ?? maxPageSize,
      startPageToken,
    );
  }

  listMessages(filters: ActivityFilters): AsyncGenerator<Page<Message>> {
    const { maxResults, startPageToken, ...query } = validParameters(
      'listMessages',
      activityFilters,
      filters,
    );
    return this.#transport.pages('/v1/messages', query, message, maxResults ?? maxPageSize, startPageToken);
  }

  async getMessage(id: string): Promise<Message> {
    return (
      await this.#transport.request({
        method: 'GET',
        path: `/v1/messages/${segment(id)}`,
        schema: dataOf(message),
      })
    ).data;
  }

  /**
   * POST /v1/messages (202). Never repeated once it may have reached OpenPhone: a timeout, a broken
   * connection or a 5xx throws `OpenPhoneOutcomeUnknownError`. 402 throws `OpenPhoneNoCreditsError`.
   */
  async sendMessage(input: OutgoingMessage, options: SendMessageOptions = {}): Promise<Message> {
    const body = validParameters('sendMessage', outgoingMessage, input);
    const sent = await this.#transport.request({
      method: 'POST',
      path: '/v1/messages',
      body,
      schema: dataOf(message),
      notIdempotent: true,
      ...(options.beforeSend ? { beforeAttempt: options.beforeSend } : {}),
    });
    return sent.data;
  }

  listCalls(filters: ActivityFilters): AsyncGenerator<Page<Call>> {
    const { maxResults, startPageToken, ...query } = validParameters('listCalls', activityFilters, filters);
    return this.#transport.pages('/v1/calls', query, call, maxResults ?? maxPageSize, startPageToken);
  }

  async getCall(id: string): Promise<Call> {
    return (
      await this.#transport.request({ method: 'GET', path: `/v1/calls/${segment(id)}`, schema: dataOf(call) })
    ).data;
  }

  async getCallRecordings(callId: string): Promise<CallRecording[]> {
    const recordings = await this.#transport.request({
      method: 'GET',
      path: `/v1/call-recordings/${segment(callId)}`,
      schema: dataOf(callRecording.array()),
    });
    return recordings.data;
  }

  async getCallSummary(callId: string): Promise<CallSummary> {
    const summary = await this.#transport.request({
      method: 'GET',
      path: `/v1/call-summaries/${segment(callId)}`,
      schema: dataOf(callSummary),
    });
    return summary.data;
  }

  async getCallTranscript(callId: string): Promise<CallTranscript> {
    const transcript = await this.#transport.request({
      method: 'GET',
      path: `/v1/call-transcripts/${segment(callId)}`,
      schema: dataOf(callTranscript),
    });
    return transcript.data;
  }

  // ── Contacts ──────────────────────────────────────────────────────────────────────────────────

  listContacts(filters: ContactFilters = {}): AsyncGenerator<Page<Contact>> {
    const { maxResults, startPageToken, ...query } = validParameters('listContacts', contactFilters, filters);
    return this.#transport.pages('/v1/contacts', query, contact, maxResults ?? 50, startPageToken);
  }

  async getContact(id: string): Promise<Contact> {
    return (
      await this.#transport.request({
        method: 'GET',
        path: `/v1/contacts/${segment(id)}`,
        schema: dataOf(contact),
      })
    ).data;
  }

  /** POST /v1/contacts: not repeated once it may have reached OpenPhone (see sendMessage). */
  async createContact(input: NewContact): Promise<Contact> {
    const body = validParameters('createContact', newContact, input);
    const created = await this.#transport.request({
      method: 'POST',
      path: '/v1/contacts',
      body,
      schema: dataOf(contact),
      notIdempotent: true,
    });
    return created.data;
  }

  async updateContact(id: string, changes: ContactChanges): Promise<Contact> {
    const body = validParameters('updateContact', contactChanges, changes);
    const updated = await this.#transport.request({
      method: 'PATCH',
      path: `/v1/contacts/${segment(id)}`,
      body,
      schema: dataOf(contact),
    });
    return updated.data;
  }

  async deleteContact(id: string): Promise<void> {
    await this.#transport.request({ method: 'DELETE', path: `/v1/contacts/${segment(id)}`, schema: null });
  }

  // ── Webhooks ──────────────────────────────────────────────────────────────────────────────────

  async listWebhooks(filters: { userId?: string } = {}): Promise<Webhook[]> {
    const listed = await this.#transport.request({
      method: 'GET',
      path: '/v1/webhooks',
      query: { userId: filters.userId },
      schema: dataOf(webhook.array()),
    });
    return listed.data;
  }

  async getWebhook(id: string): Promise<Webhook> {
    return (
      await this.#transport.request({
        method: 'GET',
        path: `/v1/webhooks/${segment(id)}`,
        schema: dataOf(webhook),
      })
    ).data;
  }

  /** POST /v1/webhooks/<family>: the answer carries the subscription's signing `key`. Not repeated blindly. */
  async createWebhook<F extends WebhookFamily>(family: F, input: NewWebhook<F>): Promise<Webhook> {
    const created = await this.#transport.request({
      method: 'POST',
      path: `/v1/webhooks/${family}`,
      body: input,
      schema: dataOf(webhook),
      notIdempotent: true,
    });
    return created.data;
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.#transport.request({ method: 'DELETE', path: `/v1/webhooks/${segment(id)}`, schema: null });
  }
}
