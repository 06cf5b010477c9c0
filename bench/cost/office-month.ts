// A typical office's month: its webhooks in their mix, a campaign with its deliveries and replies,
// the follow-up's timer, storage at the default retention, and the idle month underneath.
import {
  crmItemsPerWebhook,
  officeWebhookMix,
  type Assumptions,
  type OfficeAssumptions,
} from './assumptions';
import { addKeyReads, idleUsage, keyReads } from './idle';
import { campaignSendUsage, webhookUsage, type MeasuredWrites } from './per-event';
import { usEast1Prices, type Prices } from './prices';
import type { StackCostSettings } from './template-settings';
import { seriesByPublishing } from './metric-series';
import { addUsage, emptyUsage, kbToGb, type Usage } from './usage';

/** Write units of one webhook of `type`, measured; the measured average for a type not measured. */
export function unitsOfType(measured: MeasuredWrites, type: string): number {
  for (const types of Object.values(measured.perType ?? {}))
    if (types[type] !== undefined) return types[type];
  return measured.unitsPerWebhook;
}

/** Write units per webhook of the office's mix: each type's measured units, weighed by its share. */
export function mixUnitsPerWebhook(measured: MeasuredWrites, mix = officeWebhookMix()): number {
  return Object.entries(mix).reduce((sum, [type, share]) => sum + share * unitsOfType(measured, type), 0);
}

export interface OfficeMonth {
  /** The month's usage by part: what each part adds to the idle month. */
  parts: Record<'webhooks' | 'campaign' | 'follow-up timer firings' | 'storage' | 'metrics' | 'idle', Usage>;
  usage: Usage;
  webhooks: { own: number; deliveries: number; replies: number };
  /** Write units per webhook of the mix, measured (undefined: the item-size model priced them). */
  mixUnitsPerWebhook?: number;
}

export function officeMonth(
  s: StackCostSettings,
  a: Assumptions,
  o: OfficeAssumptions,
  measured?: MeasuredWrites,
  p: Prices = usEast1Prices,
): OfficeMonth {
  const deliveries = o.campaignMessages * a.deliveryWebhooksPerMessage;
  const replies = o.campaignMessages * o.campaignReplyRate;
  const allWebhooks = o.webhooks + deliveries + replies;
  const office: Assumptions = { ...a, webhooksPerMonth: allWebhooks }; // the rate that fills batches
  const ofType = (type: string) => measured && { ...measured, unitsPerWebhook: unitsOfType(measured, type) };
  const mixUnits = measured && mixUnitsPerWebhook(measured);
  const webhooks = webhookUsage(
    s,
    office,
    o.webhooks,
    measured && { ...measured, unitsPerWebhook: mixUnits! },
  );
  const campaign = addUsage(
    campaignSendUsage(s, office, o.campaignMessages, measured),
    webhookUsage(s, office, deliveries, ofType('message.delivered')),
    webhookUsage(s, office, replies, ofType('message.received')),
  );
  const firings = emptyUsage();
  firings.writeRequestUnits = o.overdueSpells * o.writeUnitsPerOverdueSpell;
  const storage = emptyUsage();
  const eventKb = a.webhookPayloadKb + a.eventRecordOverheadKb;
  storage.dynamoStoredGb =
    kbToGb(allWebhooks * eventKb) * (s.eventRetentionDays / 30) +
    kbToGb(o.webhooks * crmItemsPerWebhook() * a.crmItemKb) * o.crmMonthsStored;
  // The ingest, idle in the idle month, now reads its keys whenever its cache has expired.
  addKeyReads(webhooks, s.functions.ingest, keyReads(a, allWebhooks, s.functions.ingest.id));
  // The metric series traffic, waiting conversations and sending publish (the idle month has those of every hour).
  const metrics = emptyUsage();
  const series = seriesByPublishing();
  metrics.metricSeriesHours =
    series['with traffic'] * o.trafficHoursPerMonth +
    series['while one waits'] * o.waitingHoursPerMonth +
    series['while sending'] * o.campaignSendingHours;
  const idle = idleUsage(s, a, measured, p);
  const parts = { webhooks, campaign, 'follow-up timer firings': firings, storage, metrics, idle };
  return {
    parts,
    usage: addUsage(...Object.values(parts)),
    webhooks: { own: o.webhooks, deliveries, replies },
    ...(mixUnits === undefined ? {} : { mixUnitsPerWebhook: mixUnits }),
  };
}
