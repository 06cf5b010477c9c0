/** A request the API refuses, with the status, the stable code and the field at fault. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 422 | 429 | 502 | 503,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Response headers to send with the refusal, e.g. `retry-after` on a 429. */
    readonly headers?: Record<string, string>,
    /** OpenPhone's own status, on a refusal passed on as 502 `openphone_refused`. */
    readonly openPhoneStatus?: number,
  ) {
    super(message);
  }
}
