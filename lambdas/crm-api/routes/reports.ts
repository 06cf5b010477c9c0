import {
  activityWindowOf,
  defaultFollowUpSettings,
  responseHistoryOf,
  responseTimeReportOf,
  type ActivityRepository,
  type FollowUpSettings,
  type ResponseTimeReport,
  type ResponseTimeRequest,
} from '../../crm';
import { responseTimeQuery } from '../domain/report-routes';
import { parseQuery } from '../domain/requests';
import { configured, json, type RouteHandlers } from './types';

export interface ReportRouteDeps {
  /** The day index's reader. Absent (a bench, a test of other routes): the route answers 503. */
  activityDays?: Pick<ActivityRepository, 'activitiesBetween'>;
  /** Business hours and reply targets (the stage's `followUp`). @default Mon–Fri 08:00–17:00 New York, 15 min */
  followUp?: FollowUpSettings;
  now?: () => Date;
}

/** The response-time report of a request: the activities around the period, read from the day index. */
export async function readResponseTimeReport(
  activityDays: Pick<ActivityRepository, 'activitiesBetween'>,
  request: ResponseTimeRequest,
  settings: FollowUpSettings,
  now: Date,
): Promise<ResponseTimeReport> {
  const { start, end } = activityWindowOf(request, now);
  const records = await activityDays.activitiesBetween(start, end);
  return responseTimeReportOf(responseHistoryOf(records, settings), request, settings);
}

/** Reports over the activities: response times. */
export function reportRoutes(deps: ReportRouteDeps): RouteHandlers<'responseTimes'> {
  const settings = deps.followUp ?? defaultFollowUpSettings;
  const now = deps.now ?? (() => new Date());
  return {
    responseTimes: async ({ query }) => {
      const request = parseQuery(responseTimeQuery, query);
      const activityDays = configured(deps.activityDays, 'activities');
      return json(200, await readResponseTimeReport(activityDays, request, settings, now()));
    },
  };
}
