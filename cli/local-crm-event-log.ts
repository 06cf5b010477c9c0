import { adminPaths } from '../local/admin-api';
import type { BusEvent } from '../local/crm-events';
import { callLocalAdmin, type LocalAdminAccess } from './local-admin';
import type { CrmEventLog } from './target';

/** The events on a running `npm start`'s stand-in for the bridge's bus, through its admin API. */
export class LocalCrmEventLog implements CrmEventLog {
  constructor(private readonly access: LocalAdminAccess) {}

  async list(detailType?: string): Promise<BusEvent[]> {
    const path = detailType
      ? `${adminPaths.crmEvents}?type=${encodeURIComponent(detailType)}`
      : adminPaths.crmEvents;
    const answer = (await callLocalAdmin(this.access, 'GET', path)) as {
      events: BusEvent[];
    };
    return answer.events;
  }
}
