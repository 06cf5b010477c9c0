import {
  activityWindowOf,
  defaultFollowUpSettings,
  responseHistoryOf,
  responseTimeReportOf,
  type ActivityRepository,
  type FollowUpSettings,
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

/** Reports over the activities: response times. */
export function reportRoutes(deps: ReportRouteDeps): RouteHandlers<'responseTimes'> {
  const settings = deps.followUp ?? defaultFollowUpSettings;
  const now = deps.now ?? (() => new Date());
  return {
    responseTimes: async ({ query }) => {
      const request = parseQuery(responseTimeQuery, query);
      const { start, end } = activityWindowOf(request, now());
      const records = await configured(deps.activityDays, 'activities').activitiesBetween(start, end);
      return json(200, responseTimeReportOf(responseHistoryOf(records, settings), request, settings));
    },
  };
}
