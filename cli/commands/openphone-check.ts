import { formatTable, maskPhoneNumber, maskPhoneNumbersIn, plural, type Output } from '../output';
import type { Target } from '../target';

/** Proves the connection and the key with one cheap call: the workspace's phone numbers, masked. */
export async function checkOpenPhone(target: Target, out: Output): Promise<void> {
  const client = await target.openPhone();
  const numbers = await client.listPhoneNumbers();
  out.line(`OpenPhone accepted the API key: ${plural(numbers.length, 'phone number')}.`);
  for (const line of formatTable(
    ['id', 'number', 'name'],
    numbers.map((n) => [n.id, maskPhoneNumber(n.number), maskPhoneNumbersIn(n.name ?? '')]),
  ))
    out.line(`  ${line}`);
}
