import { userInfo } from 'node:os';
import { maskPhoneNumber, toE164 } from '../../lambdas/shared/phone-numbers';
import { UsageError } from '../errors';
import type { Output } from '../output';
import type { Target } from '../target';

/**
 * Erases one person on request, in every store that holds them (docs/operations/security.md):
 * activities, timeline entries, archived media and contact records go; messages sent to them,
 * raw webhook bodies and campaign recipient rows keep only ids, states and counts; suppressions
 * and their audit stay. Irreversible, so it asks for `--yes`.
 */
export async function eraseContact(
  target: Target,
  out: Output,
  phoneNumber: string,
  options: { yes?: boolean },
): Promise<void> {
  const number = toE164(phoneNumber);
  if (!number.ok) throw new UsageError(`"${phoneNumber}" is not a phone number (${number.reason})`);
  const masked = maskPhoneNumber(number.e164);
  if (!options.yes)
    throw new UsageError(
      `this erases ${masked}'s activities, timeline entries, archived media, contact records, sent messages, webhook bodies and campaign recipient rows in ${target.name} for good (suppressions stay): add --yes`,
    );
  const { erased, erasedAt, expiringCopies } = await target.erasure.erase(
    number.e164,
    `cli:${userInfo().username}`,
  );
  out.line(
    `erased ${masked} in ${target.name}: ${erased.activities} activities, ${erased.media} media objects, ${erased.contacts} contacts, ${erased.apiMessages} sent messages, ${erased.eventPayloads} webhook bodies, ${erased.campaignRecipients} campaign recipients`,
  );
  for (const copies of expiringCopies)
    out.line(`not reachable: ${copies.store}, gone within ${copies.expiresWithin}`);
  out.line(
    `activity from before ${erasedAt} will not be recorded again; suppressions and their audit are kept`,
  );
}
