import { crmKeys } from '../domain/crm-keys';
import { readItem, readItems, type CrmTableAccess } from './crm-table';

/**
 * The write side of the erasure marker: a strongly consistent read of each number's marker, made
 * just before a plain conditional write of an activity, a contact or a conversation dated `at`.
 * True when one of the numbers was erased at or after `at`: the caller then writes nothing.
 * A writer that read before an erase's marker and writes after the erase's sweep is caught by the
 * erase's second sweep, run once the longest a writer can take between this read and its write has
 * passed (`ErasureRepository.sweepAgain`, docs/crm-records.md "Erasure"). One read unit per number
 * instead of a transaction, which bills every item of it twice.
 */
export async function erasedSince(
  table: CrmTableAccess,
  phoneNumbers: readonly string[],
  at: string,
): Promise<boolean> {
  const numbers = [...new Set(phoneNumbers)];
  if (numbers.length === 0) return false;
  const markers =
    numbers.length === 1
      ? [await readItem(table, crmKeys.erasure(numbers[0]!))]
      : await readItems(
          table,
          numbers.map((n) => crmKeys.erasure(n)),
        );
  return markers.some((marker) => typeof marker?.erasedAt === 'string' && marker.erasedAt >= at);
}
