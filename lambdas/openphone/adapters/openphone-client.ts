import { z } from 'zod';
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
  openPhoneErrorBody,
  outgoingMessage,
  pageOf,
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
import { decideRetry, defaultRetryPolicy, retryAfterMs, type RetryPolicy } from '../domain/retry-policy';
import type { Lane, RateLimiter } from '../domain/token-bucket';
import {
  OpenPhoneApiError,
  OpenPhoneInvalidRequestError,
  OpenPhoneNetworkError,
  OpenPhoneNoCreditsError,
  OpenPhoneOutcomeUnknownError,
  OpenPhonePaginationLoopError,
  OpenPhoneResponseShapeError,
  type RequestLine,
} from '../errors';

export * from '../errors';
export type { Lane, RateLimiter } from '../domain/token-bucket';

export interface RetryEvent {
  readonly request: RequestLine;
  /** The attempt that failed, 1 for the first. */
  readonly attempt: number;
  readonly delayMs: number;
  /** The status that failed, or the network error code. */
  readonly cause: number | string;
}

export interface OpenPhoneClientOptions {
  /** The workspace API key, sent as `Authorization: <key>` (no Bearer). Never logged or put in errors. */
  readonly apiKey: string;
  /** Every request, retries included, first takes a token here. */
  readonly rateLimiter: RateLimiter;
  /** @default https://api.openphone.com */
  readonly baseUrl?: string;
  /** The rate-limit lane of this client's requests. @default 'interactive' */
  readonly lane?: Lane;
  /** @default 6 attempts, 250 ms base, 8 s cap, 30 s in all */
  readonly retry?: Partial<RetryPolicy>;
  /** Abort one request after this long. @default 10 s */
  readonly requestTimeoutMs?: number;
  /** Called before each retry's wait: a place to log or count (never sees the key). */
  readonly onRetry?: (event: RetryEvent) => void;
  /** Called with every HTTP answer, retried or not: a place to count (never sees the key or the body). */
  readonly onResponse?: (event: { readonly request: RequestLine; readonly status: number }) => void;
  /** For tests. @default Date.now */
  readonly clock?: () => number;
  /** For tests. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** For tests. @default Math.random */
  readonly random?: () => number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface SendMessageOptions {
  /**
   * Run after the request's rate-limit token is taken and just before it goes out (again before a
   * repeat after a 429). The last moment to withdraw a send: an error it throws ends `sendMessage`
   * with that error, and nothing has been sent.
   */
  readonly beforeSend?: () => Promise<void>;
}

interface RequestSpec<T> {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Record<string, QueryValue>;
  readonly body?: unknown;
  /** Null for responses without a body (204). */
  readonly schema: z.ZodType<T> | null;
  /** A send or a create: once it may have reached OpenPhone it is not repeated. */
  readonly notIdempotent?: boolean;
  /** Run on every attempt after its rate-limit token and before the request goes out. */
  readonly beforeAttempt?: () => Promise<void>;
}

/** Network failures that happen before any byte of the request left: always safe to repeat. */
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

type NetworkFailure = {
  readonly sent: 'no' | 'maybe';
  readonly code: string;
  readonly reason: 'timeout' | 'connection-lost';
};

function classifyNetworkFailure(error: unknown): NetworkFailure {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return { sent: 'maybe', code: 'timeout', reason: 'timeout' };
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (Array.isArray(errors))
      for (const inner of errors) if (typeof inner?.code === 'string') codes.push(inner.code as string);
    current = cause;
  }
  const code = codes[0] ?? 'unknown';
  const sent = codes.length > 0 && codes.every((c) => notSentCodes.has(c)) ? 'no' : 'maybe';
  return { sent, code, reason: 'connection-lost' };
}

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

function validParameters<S extends z.ZodType>(operation: string, schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new OpenPhoneInvalidRequestError(operation, issuesOf(parsed.error));
  return parsed.data;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * OpenPhone's REST API v1, typed and validated. Every request waits for a token from the shared
 * rate limiter; reads are retried on 429, 5xx and network errors with jittered backoff (honouring
 * Retry-After); sends and creates are never repeated once they may have reached OpenPhone.
 * One class over 400 lines on purpose: each method is a few lines of request and schema over the
 * one request path (token, retry, error mapping) they all share.
 */
export class OpenPhoneClient {
  readonly #apiKey: string;
  readonly #options: OpenPhoneClientOptions;
  readonly #baseUrl: string;
  readonly #lane: Lane;
  readonly #retry: RetryPolicy;
  readonly #clock: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #fetch: typeof fetch;

  constructor(options: OpenPhoneClientOptions) {
    if (!options.apiKey)
      throw new OpenPhoneInvalidRequestError('OpenPhoneClient', [{ path: 'apiKey', message: 'required' }]);
    this.#apiKey = options.apiKey;
    this.#options = options;
    this.#baseUrl = (options.baseUrl ?? 'https://api.openphone.com').replace(/\/+$/, '');
    this.#lane = options.lane ?? 'interactive';
    this.#retry = { ...defaultRetryPolicy, ...options.retry };
    this.#clock = options.clock ?? Date.now;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /** The same client, its requests counted in another rate-limit lane. */
  forLane(lane: Lane): OpenPhoneClient {
    return new OpenPhoneClient({ ...this.#options, lane });
  }

  get lane(): Lane {
    return this.#lane;
  }

  // ── Phone numbers, users ──────────────────────────────────────────────────────────────────────

  async listPhoneNumbers(filters: { userId?: string } = {}): Promise<PhoneNumber[]> {
    const page = await this.#request({
      method: 'GET',
      path: '/v1/phone-numbers',
      query: { userId: filters.userId },
      schema: phoneNumberList,
    });
    return page.data;
  }

  listUsers(filters: UserFilters = {}): AsyncGenerator<Page<User>> {
    const { maxResults, startPageToken } = validParameters('listUsers', userFilters, filters);
    return this.#pages('/v1/users', {}, user, maxResults ?? 50, startPageToken);
  }

  // ── Conversations, messages, calls ────────────────────────────────────────────────────────────

  listConversations(filters: ConversationFilters = {}): AsyncGenerator<Page<Conversation>> {
    const { maxResults, startPageToken, ...query } = validParameters(
      'listConversations',
      conversationFilters,
      filters,
    );
    return this.#pages('/v1/conversations', query, conversation, maxResults ?? maxPageSize, startPageToken);
  }

  listMessages(filters: ActivityFilters): AsyncGenerator<Page<Message>> {
    const { maxResults, startPageToken, ...query } = validParameters(
      'listMessages',
      activityFilters,
      filters,
    );
    return this.#pages('/v1/messages', query, message, maxResults ?? maxPageSize, startPageToken);
  }

  async getMessage(id: string): Promise<Message> {
    return (
      await this.#request({ method: 'GET', path: `/v1/messages/${segment(id)}`, schema: dataOf(message) })
    ).data;
  }

  /**
   * POST /v1/messages (202). Never repeated once it may have reached OpenPhone: a timeout, a broken
   * connection or a 5xx throws `OpenPhoneOutcomeUnknownError`. 402 throws `OpenPhoneNoCreditsError`.
   */
  async sendMessage(input: OutgoingMessage, options: SendMessageOptions = {}): Promise<Message> {
    const body = validParameters('sendMessage', outgoingMessage, input);
    const sent = await this.#request({
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
    return this.#pages('/v1/calls', query, call, maxResults ?? maxPageSize, startPageToken);
  }

  async getCall(id: string): Promise<Call> {
    return (await this.#request({ method: 'GET', path: `/v1/calls/${segment(id)}`, schema: dataOf(call) }))
      .data;
  }

  async getCallRecordings(callId: string): Promise<CallRecording[]> {
    const recordings = await this.#request({
      method: 'GET',
      path: `/v1/call-recordings/${segment(callId)}`,
      schema: dataOf(callRecording.array()),
    });
    return recordings.data;
  }

  async getCallSummary(callId: string): Promise<CallSummary> {
    const summary = await this.#request({
      method: 'GET',
      path: `/v1/call-summaries/${segment(callId)}`,
      schema: dataOf(callSummary),
    });
    return summary.data;
  }

  async getCallTranscript(callId: string): Promise<CallTranscript> {
    const transcript = await this.#request({
      method: 'GET',
      path: `/v1/call-transcripts/${segment(callId)}`,
      schema: dataOf(callTranscript),
    });
    return transcript.data;
  }

  // ── Contacts ──────────────────────────────────────────────────────────────────────────────────

  listContacts(filters: ContactFilters = {}): AsyncGenerator<Page<Contact>> {
    const { maxResults, startPageToken, ...query } = validParameters('listContacts', contactFilters, filters);
    return this.#pages('/v1/contacts', query, contact, maxResults ?? 50, startPageToken);
  }

  async getContact(id: string): Promise<Contact> {
    return (
      await this.#request({ method: 'GET', path: `/v1/contacts/${segment(id)}`, schema: dataOf(contact) })
    ).data;
  }

  /** POST /v1/contacts: not repeated once it may have reached OpenPhone (see sendMessage). */
  async createContact(input: NewContact): Promise<Contact> {
    const body = validParameters('createContact', newContact, input);
    const created = await this.#request({
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
    const updated = await this.#request({
      method: 'PATCH',
      path: `/v1/contacts/${segment(id)}`,
      body,
      schema: dataOf(contact),
    });
    return updated.data;
  }

  async deleteContact(id: string): Promise<void> {
    await this.#request({ method: 'DELETE', path: `/v1/contacts/${segment(id)}`, schema: null });
  }

  // ── Webhooks ──────────────────────────────────────────────────────────────────────────────────

  async listWebhooks(filters: { userId?: string } = {}): Promise<Webhook[]> {
    const listed = await this.#request({
      method: 'GET',
      path: '/v1/webhooks',
      query: { userId: filters.userId },
      schema: dataOf(webhook.array()),
    });
    return listed.data;
  }

  async getWebhook(id: string): Promise<Webhook> {
    return (
      await this.#request({ method: 'GET', path: `/v1/webhooks/${segment(id)}`, schema: dataOf(webhook) })
    ).data;
  }

  /** POST /v1/webhooks/<family>: the answer carries the subscription's signing `key`. Not repeated blindly. */
  async createWebhook<F extends WebhookFamily>(family: F, input: NewWebhook<F>): Promise<Webhook> {
    const created = await this.#request({
      method: 'POST',
      path: `/v1/webhooks/${family}`,
      body: input,
      schema: dataOf(webhook),
      notIdempotent: true,
    });
    return created.data;
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.#request({ method: 'DELETE', path: `/v1/webhooks/${segment(id)}`, schema: null });
  }

  // ── Transport ─────────────────────────────────────────────────────────────────────────────────

  /** Pages of a list, from `startPageToken` (a stored resume point) until `nextPageToken` is null. */
  async *#pages<T extends z.ZodType>(
    path: string,
    query: Record<string, QueryValue>,
    item: T,
    maxResults: number,
    startPageToken: string | undefined,
  ): AsyncGenerator<Page<z.infer<T>>> {
    const schema = pageOf(item);
    let pageToken = startPageToken;
    for (;;) {
      const page = (await this.#request({
        method: 'GET',
        path,
        query: { ...query, maxResults, pageToken },
        schema,
      })) as z.infer<typeof schema>;
      const nextPageToken = page.nextPageToken === '' ? null : page.nextPageToken;
      yield {
        data: page.data,
        nextPageToken,
        ...(page.totalItems === undefined ? {} : { totalItems: page.totalItems }),
      };
      if (nextPageToken === null) return;
      if (nextPageToken === pageToken) throw new OpenPhonePaginationLoopError({ method: 'GET', path });
      pageToken = nextPageToken;
    }
  }

  /**
   * A rate-limit token, then the caller's last check (outside the request's error handling: an
   * error there is the caller's own, and nothing has been sent). The check takes time after the
   * grant, so the limiter is asked to count the token from when the request really goes out.
   */
  async #takeToken(beforeAttempt: (() => Promise<void>) | undefined): Promise<void> {
    const limiter = this.#options.rateLimiter;
    for (;;) {
      const grant = await limiter.acquire(this.#lane);
      if (!beforeAttempt) return;
      await beforeAttempt();
      if (!limiter.confirm || (await limiter.confirm(grant))) return;
    }
  }

  async #request<T>(spec: RequestSpec<T>): Promise<T> {
    const request: RequestLine = { method: spec.method, path: spec.path };
    const url = this.#baseUrl + spec.path + queryString(spec.query);
    const startedAt = this.#clock();
    for (let attempt = 1; ; attempt++) {
      await this.#takeToken(spec.beforeAttempt);
      let status: number;
      let headers: Headers;
      let text: string;
      try {
        const response = await this.#fetch(url, {
          method: spec.method,
          headers: {
            Authorization: this.#apiKey,
            Accept: 'application/json',
            ...(spec.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
          signal: AbortSignal.timeout(this.#options.requestTimeoutMs ?? 10_000),
        });
        status = response.status;
        headers = response.headers;
        text = await response.text();
      } catch (error) {
        const failure = classifyNetworkFailure(error);
        if (spec.notIdempotent && failure.sent === 'maybe')
          throw new OpenPhoneOutcomeUnknownError({ request, reason: failure.reason, cause: error });
        await this.#waitBeforeRetry(request, attempt, startedAt, undefined, failure.code, () => {
          throw new OpenPhoneNetworkError(request, failure.code, { cause: error });
        });
        continue;
      }
      this.#options.onResponse?.({ request, status });

      if (status >= 200 && status < 300) return this.#parseSuccess(spec, request, status, text);

      const problem = this.#apiError(request, status, text);
      if (status === 429 || status >= 500) {
        if (status >= 500 && spec.notIdempotent)
          throw new OpenPhoneOutcomeUnknownError({
            request,
            reason: 'server-error',
            status,
            trace: problem.trace,
          });
        await this.#waitBeforeRetry(request, attempt, startedAt, headers.get('retry-after'), status, () => {
          throw problem;
        });
        continue;
      }
      throw problem;
    }
  }

  async #waitBeforeRetry(
    request: RequestLine,
    attempt: number,
    startedAt: number,
    retryAfterHeader: string | null | undefined,
    cause: number | string,
    giveUp: () => never,
  ): Promise<void> {
    const now = this.#clock();
    const decision = decideRetry({
      attempt,
      startedAt,
      now,
      retryAfterMs: retryAfterMs(retryAfterHeader, now),
      policy: this.#retry,
      random: this.#random,
    });
    if (decision.kind === 'give-up') giveUp();
    this.#options.onRetry?.({ request, attempt, delayMs: decision.delayMs, cause });
    await this.#sleep(decision.delayMs);
  }

  #parseSuccess<T>(spec: RequestSpec<T>, request: RequestLine, status: number, text: string): T {
    if (spec.schema === null) return undefined as T;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return this.#unreadable(spec, request, status, [{ path: '', message: 'not JSON' }]);
    }
    const parsed = spec.schema.safeParse(body);
    if (!parsed.success) return this.#unreadable(spec, request, status, issuesOf(parsed.error));
    return parsed.data;
  }

  #unreadable(
    spec: RequestSpec<unknown>,
    request: RequestLine,
    status: number,
    issues: { path: string; message: string }[],
  ): never {
    const shapeError = new OpenPhoneResponseShapeError(request, status, issues);
    // OpenPhone acted on a send or create: the caller must reconcile, not treat it as a failure.
    if (spec.notIdempotent)
      throw new OpenPhoneOutcomeUnknownError({
        request,
        reason: 'accepted-unreadable',
        status,
        cause: shapeError,
      });
    throw shapeError;
  }

  #apiError(request: RequestLine, status: number, text: string): OpenPhoneApiError {
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(text);
    } catch {
      parsedBody = undefined;
    }
    const body = openPhoneErrorBody.safeParse(parsedBody);
    const details = body.success ? body.data : {};
    const input = {
      request,
      status,
      message: this.#redact(details.message ?? details.title ?? `HTTP ${status}`),
      code: details.code,
      trace: details.trace,
      title: details.title,
      docs: details.docs,
      details: details.errors?.map(
        (e) => JSON.parse(this.#redact(JSON.stringify(e))) as Record<string, unknown>,
      ),
    };
    return status === 402 ? new OpenPhoneNoCreditsError(input) : new OpenPhoneApiError(input);
  }

  /** OpenPhone may echo a header back in an error: the key never leaves this object. */
  #redact(text: string): string {
    return text.split(this.#apiKey).join('[redacted]');
  }
}

/** A single-object answer: `{ data: … }`. */
function dataOf<T extends z.ZodType>(item: T) {
  return z.object({ data: item });
}

function segment(id: string): string {
  if (!id) throw new OpenPhoneInvalidRequestError('OpenPhone request', [{ path: 'id', message: 'required' }]);
  return encodeURIComponent(id);
}

/** Arrays repeat their key (`participants=+1…&participants=+1…`), OpenAPI's default form style. */
function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
