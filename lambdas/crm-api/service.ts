import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { InvalidCursorError, type ActivityRepository, type ContactRepository } from '../crm';
import type { MediaLinks } from './adapters/media-links';
import { crmApiDocument } from './domain/openapi';
import { e164PhoneNumber, pageQuery, parseQuery, recordId, timelineQuery } from './domain/requests';
import type { ApiError } from './domain/resources';
import { matchRoute, type RouteName } from './domain/routes';
import { activityView, archiveKeysOf, contactView } from './domain/views';
import { ApiRequestError } from './errors';

export interface CrmApiDeps {
  activities: Pick<ActivityRepository, 'getActivity' | 'timeline' | 'conversationActivities'>;
  contacts: Pick<ContactRepository, 'getContact' | 'contactsByPhoneNumber'>;
  mediaLinks: Pick<MediaLinks, 'linksFor'>;
  logger: Pick<Logger, 'error' | 'info'>;
}

type Response = APIGatewayProxyStructuredResultV2;
type Request = { params: Record<string, string>; query: Record<string, string | undefined> };

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): Response => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

const failure = (status: number, error: ApiError, headers?: Record<string, string>) =>
  json(status, error, headers);

/** GET /v1/…: one Lambda behind one authorized route; the routes table says what each path reads. */
export function createCrmApiHandler(deps: CrmApiDeps) {
  const withLinks = async (records: Parameters<typeof archiveKeysOf>[0][]) => {
    const links = await deps.mediaLinks.linksFor(records.flatMap(archiveKeysOf));
    return records.map((r) => activityView(r, links));
  };

  const routes: Record<RouteName, (request: Request) => Promise<Response>> = {
    getActivity: async ({ params }) => {
      const record = await deps.activities.getActivity(recordId(params.id, 'id'));
      if (!record) throw new ApiRequestError(404, 'not_found', `no activity ${params.id}`);
      const [view] = await withLinks([record]);
      return json(200, view);
    },
    contactTimeline: async ({ params, query }) => {
      const phone = e164PhoneNumber(params.phone, 'phone');
      const { limit, cursor, kind } = parseQuery(timelineQuery, query);
      // A kind filter reads pages until it has `limit` matches or the timeline ends.
      const wanted = limit ?? 20;
      const items: Parameters<typeof archiveKeysOf>[0][] = [];
      let next = cursor;
      do {
        const page = await deps.activities.timeline(phone, {
          limit: wanted,
          ...(next ? { cursor: next } : {}),
        });
        items.push(...page.items.filter((a) => !kind || a.kind === kind));
        next = page.cursor;
      } while (kind && next && items.length < wanted);
      return json(200, { items: await withLinks(items.slice(0, wanted)), ...(next ? { cursor: next } : {}) });
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
    openApiDocument: async () => json(200, crmApiDocument()),
  };

  return async (event: APIGatewayProxyEventV2): Promise<Response> => {
    const match = matchRoute(event.requestContext.http.method, event.rawPath);
    if (match.kind === 'not-found')
      return failure(404, { error: 'not_found', message: `no route ${event.rawPath}` });
    if (match.kind === 'method-not-allowed')
      return failure(
        405,
        { error: 'method_not_allowed', message: `use ${match.allowed.join(', ')}` },
        { allow: match.allowed.join(', ') },
      );
    try {
      return await routes[match.name]({ params: match.params, query: event.queryStringParameters ?? {} });
    } catch (error) {
      if (error instanceof ApiRequestError)
        return failure(error.status, {
          error: error.code,
          message: error.message,
          ...(error.field ? { field: error.field } : {}),
        });
      if (error instanceof InvalidCursorError)
        return failure(400, { error: 'invalid_cursor', message: error.message, field: 'cursor' });
      deps.logger.error('CRM API request failed', { route: match.name, error: error as Error });
      return failure(500, {
        error: 'internal_error',
        message: 'the request could not be answered; try again',
      });
    }
  };
}
