/** A request the API refuses, with the status, the stable code and the field at fault. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 422 | 429,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
