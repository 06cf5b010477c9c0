import {
  apiReference,
  changedByOf,
  changeSourceOf,
  inListedOrder,
  planSuppressionLift,
  reviewReason,
  type SuppressionListRepository,
  type SuppressionReason,
  type SuppressionRecord,
} from '../../crm';
import { e164PhoneNumber, parseBody, parseQuery } from '../domain/requests';
import { liftQuery, reviewSettlement, suppressionBody, type Suppression } from '../domain/suppression-routes';
import { ApiRequestError } from '../errors';
import { configured, json, type RouteHandlers } from './types';

export interface SuppressionRouteDeps {
  /** The operators' suppression list: the same rules and audit trail as the CLI's `suppressions` commands. */
  suppressionList?: Pick<SuppressionListRepository, 'recordOf' | 'changeByOperator' | 'settleReview'>;
  /** @default () => new Date() */
  clock?: () => Date;
}

function suppressionView(phoneNumber: string, record: SuppressionRecord): Suppression {
  const active = inListedOrder(record.suppressions.filter((s) => s.active));
  const [leading] = active;
  return {
    phoneNumber,
    suppressed: active.length > 0,
    ...(leading ? { reason: leading.reason, since: leading.changedAt } : {}),
    active: active.map((s) => ({ reason: s.reason, since: s.changedAt })),
    audit: record.audit.map((entry) => {
      const by = changedByOf(entry.reference);
      return {
        at: entry.at,
        action: entry.action,
        reason: entry.reason,
        source: changeSourceOf(entry.reference),
        ...(by ? { by } : {}),
        ...(entry.note ? { note: entry.note } : {}),
        ...(entry.matched ? { matched: entry.matched } : {}),
        ...(entry.resolution ? { resolution: entry.resolution } : {}),
      };
    }),
  };
}

/**
 * GET/PUT/DELETE /v1/suppressions/{phone} and POST …/review: every change is on the number's audit
 * trail with source `api`, the caller (IAM ARN or JWT subject) and the note saying why.
 */
export function suppressionRoutes(
  deps: SuppressionRouteDeps,
): RouteHandlers<'getSuppression' | 'suppressNumber' | 'liftSuppression' | 'settleReview'> {
  const list = () => configured(deps.suppressionList, 'suppressions', 'this API has no suppression list');
  const clock = deps.clock ?? (() => new Date());
  const answer = async (phoneNumber: string) =>
    json(200, suppressionView(phoneNumber, await list().recordOf(phoneNumber)));

  return {
    getSuppression: async ({ params }) => answer(e164PhoneNumber(params.phone, 'phone')),
    suppressNumber: async ({ params, body, caller }) => {
      const phoneNumber = e164PhoneNumber(params.phone, 'phone');
      const { note } = parseBody(suppressionBody, body ?? {});
      await list().changeByOperator({
        action: 'add',
        phoneNumber,
        reason: 'manual',
        at: clock().toISOString(),
        reference: apiReference(caller),
        note,
      });
      return answer(phoneNumber);
    },
    liftSuppression: async ({ params, query, caller }) => {
      const phoneNumber = e164PhoneNumber(params.phone, 'phone');
      const { reason, confirmConsent, note } = parseQuery(liftQuery, query);
      const { suppressions } = await list().recordOf(phoneNumber);
      const plan = planSuppressionLift(
        suppressions.filter((s) => s.active).map((s) => s.reason),
        { reason: reason as SuppressionReason | undefined, confirmConsent: confirmConsent === 'true', note },
      );
      if (plan.kind === 'needs-consent-confirmation')
        throw new ApiRequestError(
          400,
          'consent_confirmation_required',
          'the number opted out: lift it only if the person consented again, with confirmConsent=true and a note saying how',
          'confirmConsent',
        );
      if (plan.kind === 'needs-consent-note')
        throw new ApiRequestError(
          400,
          'consent_note_required',
          'say how the person consented again (e.g. "texted START on 2026-11-20", "signed form #12"): note is required to lift an opt-out',
          'note',
        );
      if (plan.kind === 'needs-note')
        throw new ApiRequestError(
          400,
          'note_required',
          'say why the suppression is lifted: note is required',
          'note',
        );
      if (plan.kind === 'review-needs-resolution')
        throw new ApiRequestError(
          409,
          'review_needs_resolution',
          'the number is held for review: settle it with POST /v1/suppressions/{phone}/review and a resolution (opt-out or not-an-opt-out)',
          'reason',
        );
      if (plan.kind === 'not-suppressed' && plan.reason)
        throw new ApiRequestError(
          409,
          'not_suppressed',
          `the number has no active ${plan.reason} suppression`,
          'reason',
        );
      if (plan.kind === 'lift') {
        const at = clock().toISOString();
        for (const lifted of plan.reasons)
          await list().changeByOperator({
            action: 'remove',
            phoneNumber,
            reason: lifted,
            at,
            reference: apiReference(caller),
            ...(note ? { note } : {}),
          });
      }
      return answer(phoneNumber);
    },
    settleReview: async ({ params, body, caller }) => {
      const phoneNumber = e164PhoneNumber(params.phone, 'phone');
      const { resolution, note } = parseBody(reviewSettlement, body ?? {});
      const { suppressions } = await list().recordOf(phoneNumber);
      if (!suppressions.some((s) => s.reason === reviewReason && s.active))
        throw new ApiRequestError(409, 'not_in_review', 'the number is not held for review', 'phone');
      await list().settleReview(phoneNumber, resolution, {
        at: clock().toISOString(),
        reference: apiReference(caller),
        note,
      });
      return answer(phoneNumber);
    },
  };
}
