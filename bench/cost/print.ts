// The cost section's printout and rows: the office month first, then per 1M webhooks, per 100k
// campaign messages and the idle month, each beside issue 29's figure for main.
import type { CfnTemplate } from '../../local/cfn-tables';
import type { BenchRow } from '../report';
import { defaultAssumptions, officeAssumptions, officeWebhookMix } from './assumptions';
import { seriesByPublishing } from './metric-series';
import { estimateCost } from './estimate';
import type { MeasuredWrites } from './per-event';
import { usEast1Prices } from './prices';
import { readCostSettings } from './template-settings';

/** Main's figures as issue 29 measured them, and its aims. */
export const issue29 = {
  before: { officeMonth: 10.57, perMillionWebhooks: 7.77, perHundredThousandMessages: 1.92, idle: 9.61 },
  aims: { officeMonth: 6, perMillionWebhooks: 4, perHundredThousandMessages: 0.6, idle: 5 },
};

const dollars = (n: number) => `$${n.toFixed(2)}`;
const lines = (bill: Record<string, number>) =>
  Object.entries(bill)
    .filter(([, v]) => v >= 0.005)
    .map(([k, v]) => `${k} ${dollars(v)}`)
    .join(' · ');
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
/** An aim in dollars as the ratio to `baseline` the table checks, rounded down. */
const aimRatio = (aim: number, baseline: number) => Math.floor((aim / baseline) * 100) / 100;

/** The cost rows of the bench table, after printing the breakdown. */
export function benchCost(template: CfnTemplate, measured?: MeasuredWrites): BenchRow[] {
  const estimate = estimateCost(template, usEast1Prices, defaultAssumptions, measured, officeAssumptions);
  const settings = readCostSettings(template);
  const { before } = issue29;
  const o = officeAssumptions;
  console.log(
    'Monthly AWS cost, us-east-1 list prices, no free tier but the three free dashboards (bench/cost/, docs/benchmarks.md):',
  );
  console.log(
    `  an office's month: ${o.webhooks.toLocaleString('en')} webhooks in this mix — ${Object.entries(
      officeWebhookMix(),
    )
      .map(([type, share]) => `${type} ${percent(share)}`)
      .join(', ')}` +
      (estimate.office.mixUnitsPerWebhook === undefined
        ? ''
        : ` (${estimate.office.mixUnitsPerWebhook.toFixed(2)} write units per webhook, each type as measured)`),
  );
  console.log(
    `    ${o.campaignMessages.toLocaleString('en')} campaign messages, each with its delivery webhook, ${percent(o.campaignReplyRate)} replied to; the hourly sync; the reply-due timer once a minute and ${o.overdueSpells.toLocaleString('en')} spells it fires; events kept ${settings.eventRetentionDays} days, activities a year`,
  );
  console.log(
    `    by part: ${Object.entries(estimate.office.parts)
      .map(([part, v]) => `${part} ${dollars(v)}`)
      .join(' · ')}`,
  );
  console.log(`    by service: ${lines(estimate.office.bill)}`);
  if (measured)
    console.log(
      `  DynamoDB: ${measured.unitsPerWebhook.toFixed(2)} write units per webhook of the families' equal mix, measured above` +
        (measured.readUnitsPerWebhook === undefined
          ? ''
          : `; ${measured.readUnitsPerWebhook.toFixed(2)} read units, measured in the same run`),
    );
  if (measured?.campaign)
    console.log(
      '  campaign messages: the capacity units measured above (the assumed 4 + 1 writes and 3 reads unused)',
    );
  const sync = measured?.idleSync;
  console.log(
    `  a sync that finds nothing new: ${sync ? 'measured' : 'assumed'} ${(sync ?? defaultAssumptions.idleSync).transitions} state transitions (the workflow has ${settings.stateMachineStates} states), ${(sync ?? defaultAssumptions.idleSync).importInvocations} import invocation`,
  );
  const { alarms } = settings;
  console.log(
    `  alarms: ${alarms.standardMetrics} standard alarm metrics, ${alarms.highResolutionMetrics} high-resolution, ${alarms.composites} composite; dashboards drawing ${settings.dashboardMetrics.join(', ')} metrics`,
  );
  const series = seriesByPublishing();
  console.log(
    `  custom metric series ($0.30 a month each, by the hours published): ${Object.entries(series)
      .map(([when, n]) => `${n} ${when}`)
      .join(' · ')} (bench/cost/metric-series.ts)`,
  );
  console.log(`  per 1M webhooks:               ${lines(estimate.perMillionWebhooks.bill)}`);
  console.log(`  per 100k campaign messages:    ${lines(estimate.perHundredThousandMessages.bill)}`);
  console.log(`  an idle month (no traffic):    ${lines(estimate.fixed.bill)}\n`);
  const row = (measure: string, value: number, baseline: number, baselineLabel: string): BenchRow => ({
    section: 'cost',
    measure,
    value,
    baseline,
    unit: '$/month',
    baselineLabel,
  });
  const { aims } = issue29;
  const bareWebhooks = estimate.perMillionWebhooks.baseline;
  const bareCampaign = estimate.perHundredThousandMessages.baseline;
  return [
    {
      ...row("an office's month", estimate.office.total, before.officeMonth, 'main before issue 29'),
      aim: aimRatio(aims.officeMonth, before.officeMonth),
    },
    {
      ...row(
        `per 1M webhooks (main: ${dollars(before.perMillionWebhooks)})`,
        estimate.perMillionWebhooks.total,
        bareWebhooks,
        'bare minimum: API GW + 1 Lambda + 1 write',
      ),
      aim: aimRatio(aims.perMillionWebhooks, bareWebhooks),
    },
    {
      ...row(
        `per 100k campaign messages incl. delivery webhooks (main: ${dollars(before.perHundredThousandMessages)})`,
        estimate.perHundredThousandMessages.total,
        bareCampaign,
        'bare minimum: send time + 1 write',
      ),
      aim: aimRatio(aims.perHundredThousandMessages, bareCampaign),
    },
    {
      ...row('an idle month (no traffic)', estimate.fixed.total, before.idle, 'main before issue 29'),
      aim: aimRatio(aims.idle, before.idle),
    },
  ];
}
