import { userInfo } from 'node:os';
import { maskPhoneNumber, toE164 } from '../../lambdas/shared/phone-numbers';
import { UsageError } from '../errors';
import type { Output } from '../output';
import type { Target } from '../target';

/**
 * Erases one person on request: activities, timeline entries, archived media and contact records
 * go; suppressions and their audit stay. Irreversible, so it asks for `--yes`.
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
      `this erases ${masked}'s activities, timeline entries, archived media and contact records in ${target.name} for good (suppressions stay): add --yes`,
    );
  const { erased, erasedAt } = await target.erasure.erase(number.e164, `cli:${userInfo().username}`);
  out.line(
    `erased ${masked} in ${target.name}: ${erased.activities} activities, ${erased.media} media objects, ${erased.contacts} contacts`,
  );
  out.line(
    `activity from before ${erasedAt} will not be recorded again; suppressions and their audit are kept`,
  );
}
