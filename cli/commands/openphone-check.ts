import { formatTable, maskPhoneNumber, maskPhoneNumbersIn, plural, printData, type Output } from '../output';
import type { Target } from '../target';

/** Proves the connection and the key with one cheap call: the workspace's phone numbers, masked. */
export async function checkOpenPhone(target: Target, out: Output): Promise<void> {
  const client = await target.openPhone();
  const numbers = await client.listPhoneNumbers();
  const masked = numbers.map((n) => ({
    id: n.id,
    number: maskPhoneNumber(n.number),
    name: maskPhoneNumbersIn(n.name ?? ''),
  }));
  printData(out, { accepted: true, phoneNumbers: masked }, () => {
    out.line(`OpenPhone accepted the API key: ${plural(numbers.length, 'phone number')}.`);
    for (const line of formatTable(
      ['id', 'number', 'name'],
      masked.map((n) => [n.id, n.number, n.name]),
    ))
      out.line(`  ${line}`);
  });
}
