import type { z } from 'zod';
import { openPhoneErrorBody, pageOf, type Page } from '../domain/openphone-api';
import { decideRetry, defaultRetryPolicy, retryAfterMs, type RetryPolicy } from '../domain/retry-policy';
import type { Lane, RateLimiter } from '../domain/token-bucket';
import {
  OpenPhoneApiError,
  OpenPhoneNetworkError,
  OpenPhoneNoCreditsError,
  OpenPhoneOutcomeUnknownError,
  OpenPhonePaginationLoopError,
  OpenPhoneResponseShapeError,
  type RequestLine,
} from '../errors';
import { classifyNetworkFailure } from './network-failure';
import { issuesOf, queryString, type QueryValue } from './request-parameters';

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

export interface RequestSpec<T> {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Record<string, QueryValue>;
  readonly body?: unknown;
  /** Extra request headers (an API version). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Null for responses without a body (204). */
  readonly schema: z.ZodType<T> | null;
  /** A send or a create: once it may have reached OpenPhone it is not repeated. */
  readonly notIdempotent?: boolean;
  /** Run on every attempt after its rate-limit token and before the request goes out. */
  readonly beforeAttempt?: () => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The one request path every OpenPhone call takes: a rate-limit token, the request, retries of
 * reads on 429, 5xx and network errors with jittered backoff (honouring Retry-After), and
 * OpenPhone's answers mapped to values or named errors. Sends and creates are never repeated once
 * they may have reached OpenPhone.
 */
export class OpenPhoneTransport {
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

  get lane(): Lane {
    return this.#lane;
  }

  /** Pages of a list, from `startPageToken` (a stored resume point) until `nextPageToken` is null. */
  async *pages<T extends z.ZodType>(
    path: string,
    query: Record<string, QueryValue>,
    item: T,
    maxResults: number,
    startPageToken: string | undefined,
  ): AsyncGenerator<Page<z.infer<T>>> {
    const schema = pageOf(item);
    let pageToken = startPageToken;
    for (;;) {
      const page = (await this.request({
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

  async request<T>(spec: RequestSpec<T>): Promise<T> {
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
            ...spec.headers,
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

  /**
   * A rate-limit token, then the caller's last check (outside the request's error handling: an
   * error there is the caller's own, and nothing has been sent). The check takes time after the
   * grant, so the limiter is asked to count the token from when the request really goes out.
   */
  async #takeToken(beforeAttempt: (() => Promise<void>) | undefined): Promise<void> {
    const limiter = this.#options.rateLimiter;
    for (;;) {
      const grant = await limiter.acquire(this.#lane, beforeAttempt ? { checkFollows: true } : {});
      if (!beforeAttempt) return;
      await beforeAttempt();
      if (!limiter.confirm || (await limiter.confirm(grant))) return;
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
