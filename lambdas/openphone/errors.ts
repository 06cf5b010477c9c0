import type { Lane } from './domain/token-bucket';
/** Named errors of the OpenPhone client: the caller branches on the class, never on the message. */

export interface RequestLine {
  readonly method: string;
  /** The path without the query string, e.g. `/v1/messages`. */
  readonly path: string;
}

/** OpenPhone answered with an error status (after any retries). Carries OpenPhone's own code and trace id. */
export class OpenPhoneApiError extends Error {
  override readonly name: string = 'OpenPhoneApiError';
  readonly status: number;
  /** OpenPhone's error code, e.g. `0200402`. */
  readonly code: string | undefined;
  /** OpenPhone's trace id: quote it to their support. */
  readonly trace: string | undefined;
  readonly title: string | undefined;
  readonly docs: string | undefined;
  /** Field-level problems OpenPhone reported, as sent. */
  readonly details: readonly Record<string, unknown>[];
  readonly request: RequestLine;

  constructor(input: {
    request: RequestLine;
    status: number;
    message: string;
    code?: string | undefined;
    trace?: string | undefined;
    title?: string | undefined;
    docs?: string | undefined;
    details?: Record<string, unknown>[] | undefined;
  }) {
    const tags = [input.code && `code ${input.code}`, input.trace && `trace ${input.trace}`].filter(Boolean);
    super(
      `OpenPhone ${input.request.method} ${input.request.path} failed with ${input.status}: ${input.message}` +
        (tags.length ? ` (${tags.join(', ')})` : ''),
    );
    this.status = input.status;
    this.code = input.code;
    this.trace = input.trace;
    this.title = input.title;
    this.docs = input.docs;
    this.details = input.details ?? [];
    this.request = input.request;
  }
}

/** OpenPhone said no for good: a 4xx other than its rate limit, which a retry will not change. */
export function isDefiniteRefusal(error: unknown): error is OpenPhoneApiError {
  return (
    error instanceof OpenPhoneApiError && error.status >= 400 && error.status < 500 && error.status !== 429
  );
}

/** 402: the workspace has no prepaid credits left to send messages. Retrying will not help. */
export class OpenPhoneNoCreditsError extends OpenPhoneApiError {
  override readonly name = 'OpenPhoneNoCreditsError';
}

/** OpenPhone answered 2xx with a body that does not match the expected shape. */
export class OpenPhoneResponseShapeError extends Error {
  override readonly name = 'OpenPhoneResponseShapeError';
  readonly issues: readonly { path: string; message: string }[];
  readonly request: RequestLine;
  readonly status: number;

  constructor(request: RequestLine, status: number, issues: { path: string; message: string }[]) {
    const listed = issues
      .slice(0, 5)
      .map((i) => `${i.path || '(body)'}: ${i.message}`)
      .join('; ');
    super(
      `OpenPhone ${request.method} ${request.path} answered ${status} with an unexpected shape: ${listed}`,
    );
    this.issues = issues;
    this.request = request;
    this.status = status;
  }
}

/** The request could not be completed over the network, after any retries. */
export class OpenPhoneNetworkError extends Error {
  override readonly name = 'OpenPhoneNetworkError';
  readonly request: RequestLine;
  /** The system error code when known, e.g. `ECONNREFUSED`, or `timeout`. */
  readonly code: string | undefined;

  constructor(request: RequestLine, code: string | undefined, options?: { cause?: unknown }) {
    super(
      `OpenPhone ${request.method} ${request.path} failed on the network (${code ?? 'unknown'})`,
      options,
    );
    this.request = request;
    this.code = code;
  }
}

export type OutcomeUnknownReason =
  /** No answer within the request timeout. */
  | 'timeout'
  /** The connection broke after the request may have been sent. */
  | 'connection-lost'
  /** OpenPhone answered 5xx: it may have acted before failing. */
  | 'server-error'
  /** OpenPhone answered 2xx, so it acted, but the body could not be read. */
  | 'accepted-unreadable';

/**
 * A request that must not be repeated blindly (a send, a create) may or may not have taken effect.
 * The caller reconciles (e.g. looks the message up) before deciding to send again.
 */
export class OpenPhoneOutcomeUnknownError extends Error {
  override readonly name = 'OpenPhoneOutcomeUnknownError';
  readonly reason: OutcomeUnknownReason;
  readonly request: RequestLine;
  readonly status: number | undefined;
  readonly trace: string | undefined;

  constructor(input: {
    request: RequestLine;
    reason: OutcomeUnknownReason;
    status?: number | undefined;
    trace?: string | undefined;
    cause?: unknown;
  }) {
    super(
      `OpenPhone ${input.request.method} ${input.request.path}: outcome unknown (${input.reason}` +
        (input.status ? `, status ${input.status}` : '') +
        (input.trace ? `, trace ${input.trace}` : '') +
        '); reconcile before repeating',
      { cause: input.cause },
    );
    this.reason = input.reason;
    this.request = input.request;
    this.status = input.status;
    this.trace = input.trace;
  }
}

/** The caller's parameters are invalid: nothing was sent. */
export class OpenPhoneInvalidRequestError extends Error {
  override readonly name = 'OpenPhoneInvalidRequestError';
  readonly issues: readonly { path: string; message: string }[];

  constructor(operation: string, issues: { path: string; message: string }[]) {
    super(
      `${operation}: invalid parameters: ${issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')}`,
    );
    this.issues = issues;
  }
}

/** A list returned the page token it was asked for: following it would loop forever. */
export class OpenPhonePaginationLoopError extends Error {
  override readonly name = 'OpenPhonePaginationLoopError';
  constructor(request: RequestLine) {
    super(`OpenPhone ${request.method} ${request.path} returned the same page token again`);
  }
}

/** No token came within `maxWaitMs`: the caller fails this unit of work and retries later. */
export class RateLimitWaitExceededError extends Error {
  override readonly name = 'RateLimitWaitExceededError';
  readonly lane: Lane;
  constructor(lane: Lane, waitedMs: number) {
    super(`No OpenPhone request token for lane ${lane} within ${waitedMs} ms`);
    this.lane = lane;
  }
}
