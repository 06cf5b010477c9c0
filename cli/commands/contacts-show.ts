import type { ContactRecord } from '../../lambdas/crm';
import { toE164 } from '../../lambdas/shared/phone-numbers';
import { CommandFailure } from '../errors';
import { maskPhoneNumber, printData, type Output } from '../output';
import type { Target } from '../target';
import { recordLines } from './activities-show';

/** A contact as an operator may see it: its numbers masked unless `showNumbers`. */
function contactForDisplay(contact: ContactRecord, showNumbers: boolean): Record<string, unknown> {
  return showNumbers
    ? { ...contact }
    : {
        ...contact,
        phoneNumbers: contact.phoneNumbers.map((p) => ({ ...p, value: maskPhoneNumber(p.value) })),
      };
}

/**
 * A contact by its OpenPhone id, or every contact that has a phone number (E.164, or a US number):
 * whatever reads as a number is looked up as one.
 */
export async function showContact(
  target: Target,
  out: Output,
  idOrPhone: string,
  options: { showNumbers?: boolean },
): Promise<void> {
  const number = /^[+\d(][\d\s().-]*$/.test(idOrPhone.trim()) ? toE164(idOrPhone) : undefined;
  if (number && !number.ok)
    throw new CommandFailure(`"${idOrPhone}" is not a phone number (${number.reason})`);
  const found = number?.ok
    ? await target.contacts.contactsByPhoneNumber(number.e164)
    : [await target.contacts.getContact(idOrPhone)].filter((c): c is ContactRecord => c !== undefined);
  const shown = number?.ok ? maskPhoneNumber(number.e164) : idOrPhone;
  if (found.length === 0) throw new CommandFailure(`no contact ${shown} in ${target.name}`);
  const views = found.map((c) => contactForDisplay(c, options.showNumbers ?? false));
  printData(out, number?.ok ? { items: views } : views[0], () => {
    for (const [i, view] of views.entries()) {
      if (i > 0) out.line('');
      out.line(`Contact ${view.contactId as string} in ${target.name}${view.deleted ? ' (deleted)' : ''}`);
      for (const line of recordLines(view)) out.line(`  ${line}`);
    }
  });
}
