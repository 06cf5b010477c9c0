import { quoApiVersion, quoApiVersionHeader } from '../domain/quo-webhooks';
import type { OpenPhoneTransport, RequestSpec } from './openphone-transport';

/** A request on Quo's dated API version: the version header on every request (Quo answers 400 without it). */
export function datedRequest<T>(transport: OpenPhoneTransport, spec: RequestSpec<T>): Promise<T> {
  return transport.request({ ...spec, headers: { ...spec.headers, [quoApiVersionHeader]: quoApiVersion } });
}
