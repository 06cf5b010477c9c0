import type { SignatureFailure } from './domain/webhook-signature';

/**
 * Why a delivery was refused: values the caller branches on and the `error` of the HTTP answer
 * (a signature failure is 401, a body too large 413, unreadable JSON or envelope 400, no signing
 * keys configured yet 503, so OpenPhone retries). Nothing is stored for a refused delivery.
 */
export type RejectionReason =
  | SignatureFailure
  | 'payload_too_large'
  | 'invalid_json'
  | 'invalid_envelope'
  | 'signing_keys_not_configured';
