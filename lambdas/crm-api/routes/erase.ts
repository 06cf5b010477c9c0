import type { ErasureRepository } from '../../crm';
import { e164PhoneNumber } from '../domain/requests';
import { configured, json, type RouteHandlers } from './types';

export interface EraseRouteDeps {
  /** Absent (a bench, a test of other routes): the erase answers 503. */
  erasure?: Pick<ErasureRepository, 'erase'>;
}

/** Erasing one person on request; who asked is kept on the erasure's audit entry. */
export function eraseRoutes(deps: EraseRouteDeps): RouteHandlers<'eraseContactData'> {
  return {
    eraseContactData: async ({ params, caller }) => {
      const phone = e164PhoneNumber(params.phone, 'phone');
      return json(200, await configured(deps.erasure, 'erasure').erase(phone, `api:${caller ?? 'unknown'}`));
    },
  };
}
