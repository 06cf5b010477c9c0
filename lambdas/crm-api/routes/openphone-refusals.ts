import {
  OpenPhoneApiError,
  OpenPhoneInvalidRequestError,
  OpenPhoneNetworkError,
  OpenPhoneOutcomeUnknownError,
  OpenPhoneResponseShapeError,
  RateLimitWaitExceededError,
} from '../../openphone';
import { ApiRequestError } from '../errors';

/** OpenPhone's path of a field (`/defaultFields/emails/0/value`) as this API names it (`emails.0.value`). */
function fieldOf(path: unknown): string | undefined {
  if (typeof path !== 'string' || !path) return undefined;
  const parts = path.split(/[/.]/).filter((p) => p && p !== 'defaultFields');
  return parts.length ? parts.join('.') : undefined;
}

/**
 * What the caller is told when OpenPhone refuses or cannot be reached during `what` (e.g. "the
 * contact update"); undefined for an error that is not OpenPhone's, which stays a 500.
 */
export function refusalOfOpenPhone(error: unknown, what: string): ApiRequestError | undefined {
  if (error instanceof RateLimitWaitExceededError)
    return new ApiRequestError(
      429,
      'rate_limited',
      `OpenPhone's rate limit is saturated; ${what} was not made`,
      undefined,
      {
        'retry-after': '1',
      },
    );
  if (error instanceof OpenPhoneOutcomeUnknownError)
    return new ApiRequestError(
      503,
      'outcome_unknown',
      `OpenPhone may have made ${what} before the connection failed: read the contact before trying again`,
    );
  if (error instanceof OpenPhoneInvalidRequestError) {
    const [issue] = error.issues;
    return new ApiRequestError(
      400,
      'invalid_request',
      `${what}: ${issue?.message ?? 'invalid'}`,
      fieldOf(issue?.path),
    );
  }
  if (error instanceof OpenPhoneApiError) {
    if (error.status === 404)
      return new ApiRequestError(404, 'not_found', `OpenPhone has no record for ${what}`);
    if (error.status === 400) {
      const [detail] = error.details;
      const reason =
        typeof detail?.message === 'string' ? detail.message : (error.title ?? 'invalid request');
      return new ApiRequestError(
        400,
        'openphone_rejected',
        `OpenPhone refused ${what}: ${reason}`,
        fieldOf(detail?.path),
      );
    }
    if (error.status === 429)
      return new ApiRequestError(
        429,
        'rate_limited',
        `OpenPhone is rate limiting; ${what} was not made`,
        undefined,
        {
          'retry-after': '1',
        },
      );
    return new ApiRequestError(
      503,
      'openphone_unavailable',
      `OpenPhone answered ${error.status} to ${what}${error.trace ? ` (trace ${error.trace})` : ''}`,
    );
  }
  if (error instanceof OpenPhoneNetworkError || error instanceof OpenPhoneResponseShapeError)
    return new ApiRequestError(
      503,
      'openphone_unavailable',
      `OpenPhone could not be reached for ${what}; try again`,
    );
  return undefined;
}

/** Runs an OpenPhone call, turning its failures into API refusals. */
export async function callOpenPhone<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw refusalOfOpenPhone(error, what) ?? error;
  }
}
