import type { ActivityRepository, ContactRepository } from '../../crm';
import type { MediaLinks } from '../adapters/media-links';
import { crmApiDocument } from '../domain/openapi';
import { e164PhoneNumber, pageQuery, parseQuery, recordId, timelineQuery } from '../domain/requests';
import { activityView, archiveKeysOf, contactView } from '../domain/views';
import { ApiRequestError } from '../errors';
import { json, type RouteHandlers } from './types';

export interface ReadRouteDeps {
  activities: Pick<ActivityRepository, 'getActivity' | 'timeline' | 'conversationActivities'>;
  contacts: Pick<ContactRepository, 'getContact' | 'contactsByPhoneNumber'>;
  mediaLinks: Pick<MediaLinks, 'linksFor'>;
}

type ReadRoute =
  | 'getActivity'
  | 'contactTimeline'
  | 'conversationActivities'
  | 'getContact'
  | 'findContacts'
  | 'openApiDocument';

/** The read routes: activities, timelines, conversations, contacts and this API's document. */
export function readRoutes(deps: ReadRouteDeps): RouteHandlers<ReadRoute> {
  const withLinks = async (records: Parameters<typeof archiveKeysOf>[0][]) => {
    const links = await deps.mediaLinks.linksFor(records.flatMap(archiveKeysOf));
    return records.map((r) => activityView(r, links));
  };
  // Generated on the first request for it, then kept: it is the same for the life of the code.
  let document: Record<string, unknown> | undefined;

  return {
    getActivity: async ({ params }) => {
      const record = await deps.activities.getActivity(recordId(params.id, 'id'));
      if (!record) throw new ApiRequestError(404, 'not_found', `no activity ${params.id}`);
      const [view] = await withLinks([record]);
      return json(200, view);
    },
    contactTimeline: async ({ params, query }) => {
      const phone = e164PhoneNumber(params.phone, 'phone');
      const { limit, cursor, kind } = parseQuery(timelineQuery, query);
      // With a kind, a page may hold fewer than `limit` (even none) and still have a cursor.
      const page = await deps.activities.timeline(phone, {
        ...(limit ? { limit } : {}),
        ...(cursor ? { cursor } : {}),
        ...(kind ? { kind } : {}),
      });
      return json(200, {
        items: await withLinks(page.items),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      });
    },
    conversationActivities: async ({ params, query }) => {
      const { limit, cursor } = parseQuery(pageQuery, query);
      const page = await deps.activities.conversationActivities(recordId(params.id, 'id'), {
        ...(limit ? { limit } : {}),
        ...(cursor ? { cursor } : {}),
      });
      return json(200, {
        items: await withLinks(page.items),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      });
    },
    getContact: async ({ params }) => {
      const record = await deps.contacts.getContact(recordId(params.id, 'id'));
      if (!record || record.deleted) throw new ApiRequestError(404, 'not_found', `no contact ${params.id}`);
      return json(200, contactView(record));
    },
    findContacts: async ({ query }) => {
      const phone = e164PhoneNumber(query.phone, 'phone');
      const records = await deps.contacts.contactsByPhoneNumber(phone);
      return json(200, { items: records.map(contactView) });
    },
    openApiDocument: async () => json(200, (document ??= crmApiDocument())),
  };
}
