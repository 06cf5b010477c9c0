/** The answers a send gives when nothing (or maybe something) went out, as API errors. */
import {
  OpenPhoneApiError,
  OpenPhoneInvalidRequestError,
  OpenPhoneNetworkError,
  OpenPhoneNoCreditsError,
  RateLimitWaitExceededError,
} from '../../openphone';
import { retryAfterSeconds } from '../domain/messages';
import { ApiRequestError } from '../errors';

/** The last check found a reason not to send: nothing went out. */
export class SendWithdrawnError extends Error {
  override readonly name = 'SendWithdrawnError';
  constructor(
    readonly reason: 'suppressed' | 'claim-taken-over',
    readonly suppressedFor: string[] = [],
  ) {
    super(`send withdrawn: ${reason}`);
  }
}

/** OpenPhone errors after which nothing was sent and the caller may retry: the answer to give. */
export function openPhoneRefusal(error: unknown): ApiRequestError | undefined {
  if (
    error instanceof RateLimitWaitExceededError ||
    (error instanceof OpenPhoneApiError && error.status === 429)
  )
    return new ApiRequestError(
      429,
      'rate_limited',
      'no OpenPhone request slot is free right now; nothing was sent, retry with the same Idempotency-Key',
      undefined,
      { 'retry-after': '1' },
    );
  if (error instanceof OpenPhoneNoCreditsError)
    return new ApiRequestError(
      503,
      'openphone_no_credits',
      'the OpenPhone workspace has no credits left; nothing was sent',
    );
  if (error instanceof OpenPhoneApiError && (error.status === 401 || error.status === 403))
    return new ApiRequestError(
      503,
      'openphone_rejected_key',
      'OpenPhone refused the bridge’s API key; nothing was sent',
    );
  if (error instanceof OpenPhoneNetworkError)
    return new ApiRequestError(
      503,
      'openphone_unavailable',
      'OpenPhone could not be reached; nothing was sent, retry',
      undefined,
      {
        'retry-after': '5',
      },
    );
  if (error instanceof OpenPhoneInvalidRequestError)
    return new ApiRequestError(400, 'invalid_request', error.message);
  return undefined;
}

export function suppressed(phoneNumber: string, reasons: string[]): ApiRequestError {
  return new ApiRequestError(
    409,
    'suppressed',
    `${phoneNumber} is suppressed (${[...new Set(reasons)].join(', ')}): nothing was sent`,
    'to',
  );
}

export function outcomeUnknown(retryInMs: number): ApiRequestError {
  return new ApiRequestError(
    503,
    'outcome_unknown',
    'the send may have reached OpenPhone and is being reconciled: retry with the same Idempotency-Key (it is never sent twice)',
    undefined,
    { 'retry-after': retryAfterSeconds(Math.min(retryInMs, 30_000)) },
  );
}

export function inUse(): ApiRequestError {
  return new ApiRequestError(
    409,
    'idempotency_key_in_use',
    'a request with this Idempotency-Key is still being sent: retry shortly',
    'Idempotency-Key',
    { 'retry-after': '1' },
  );
}
