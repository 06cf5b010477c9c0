// Every figure of the cost section from one template: the office month, per 1M webhooks, per
// 100k campaign messages, and the idle month.
import type { CfnTemplate } from '../../local/cfn-tables';
import {
  defaultAssumptions,
  officeAssumptions,
  type Assumptions,
  type OfficeAssumptions,
} from './assumptions';
import { idleUsage } from './idle';
import { officeMonth } from './office-month';
import {
  bareMinimumCampaign,
  bareMinimumWebhooks,
  campaignUsage,
  webhookUsage,
  type MeasuredWrites,
} from './per-event';
import { usEast1Prices, type Prices } from './prices';
import { readCostSettings } from './template-settings';
import { price, total } from './usage';

export interface CostEstimate {
  office: {
    bill: Record<string, number>;
    total: number;
    /** Dollars per part of the month: its webhooks, the campaign, the timer's firings, storage, idle. */
    parts: Record<string, number>;
    mixUnitsPerWebhook?: number;
  };
  perMillionWebhooks: { bill: Record<string, number>; total: number; baseline: number };
  perHundredThousandMessages: { bill: Record<string, number>; total: number; baseline: number };
  fixed: { bill: Record<string, number>; total: number };
}

export function estimateCost(
  template: CfnTemplate,
  p: Prices = usEast1Prices,
  a: Assumptions = defaultAssumptions,
  measured?: MeasuredWrites,
  o: OfficeAssumptions = officeAssumptions,
): CostEstimate {
  const s = readCostSettings(template);
  const webhookBill = price(webhookUsage(s, a, 1_000_000, measured), p);
  const campaignBill = price(campaignUsage(s, a, 100_000, measured), p);
  const fixedBill = price(idleUsage(s, a, measured, p), p);
  const month = officeMonth(s, a, o, measured, p);
  const officeBill = price(month.usage, p);
  return {
    office: {
      bill: officeBill,
      total: total(officeBill),
      parts: Object.fromEntries(
        Object.entries(month.parts).map(([part, usage]) => [part, total(price(usage, p))]),
      ),
      ...(month.mixUnitsPerWebhook === undefined ? {} : { mixUnitsPerWebhook: month.mixUnitsPerWebhook }),
    },
    perMillionWebhooks: {
      bill: webhookBill,
      total: total(webhookBill),
      baseline: bareMinimumWebhooks(s, a, 1_000_000, p, measured),
    },
    perHundredThousandMessages: {
      bill: campaignBill,
      total: total(campaignBill),
      baseline: bareMinimumCampaign(s, a, 100_000, p),
    },
    fixed: { bill: fixedBill, total: total(fixedBill) },
  };
}
