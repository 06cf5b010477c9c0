import { adminPaths } from '../local/admin-api';
import type { BusEvent } from '../local/crm-events';
import { callLocalAdmin } from './local-admin';
import type { CrmEventLog } from './target';

/** The events on a running `npm start`'s stand-in for the bridge's bus, through its admin API. */
export class LocalCrmEventLog implements CrmEventLog {
  constructor(
    /** The replica's HTTP API, e.g. `http://127.0.0.1:3000`. */
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {}

  async list(detailType?: string): Promise<BusEvent[]> {
    const path = detailType
      ? `${adminPaths.crmEvents}?type=${encodeURIComponent(detailType)}`
      : adminPaths.crmEvents;
    const answer = (await callLocalAdmin(this.baseUrl, 'GET', path, undefined, this.fetchImpl)) as {
      events: BusEvent[];
    };
    return answer.events;
  }
}
