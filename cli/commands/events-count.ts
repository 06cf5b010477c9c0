import { eventFamilies } from '../../lambdas/events';
import { formatTable, printData, type Output } from '../output';
import type { Target } from '../target';

/**
 * Events stuck unprocessed (received, found by the sweeper past the stuck age) and failed, per
 * family, and ignored (unknown types): counted on the byStatus index. Events on their way are in none.
 */
export async function countEvents(target: Target, out: Output): Promise<void> {
  const rows = await Promise.all(
    eventFamilies.map(async (family) => {
      const [received, failed] = await Promise.all([
        target.events.countEvents('received', family),
        target.events.countEvents('failed', family),
      ]);
      return [family, received, failed] as const;
    }),
  );
  const ignored = await target.events.countEvents('ignored', undefined);
  const total = (column: 1 | 2) => rows.reduce((sum, row) => sum + row[column], 0);
  const data = {
    target: target.name,
    families: rows.map(([family, received, failed]) => ({ family, received, failed })),
    received: total(1),
    failed: total(2),
    ignored,
  };
  printData(out, data, () => {
    out.line(`Events in ${target.name}`);
    for (const line of formatTable(
      ['family', 'stuck', 'failed'],
      [...rows, ['all families', total(1), total(2)]],
    ))
      out.line(line);
    out.line(`ignored (types the bridge does not route): ${ignored}`);
  });
}
