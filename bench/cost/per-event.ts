// What each webhook and each campaign message uses, end to end, and the bare minimum beside it.
import type { Assumptions } from './assumptions';
import type { Prices } from './prices';
import type { StackCostSettings } from './template-settings';
import { UsageMeter, addUsage, batchFill, secondsPerMonth, type Usage } from './usage';

/**
 * Write units measured on DynamoDB Local (bench/write-units.ts), used instead of the item-size model
 * where given: the average over every family's webhooks, and the events table's own put (the bare
 * minimum's one write).
 */
export interface MeasuredWrites {
  unitsPerWebhook: number;
  eventPutUnits: number;
  /** Read units per webhook of the same run (the processor's reads); the item-size model when absent. */
  readUnitsPerWebhook?: number;
  /** Family → event type → write units of one webhook: the office month weighs them by its mix. */
  perType?: Record<string, Record<string, number>>;
  /** Per campaign message (bench/campaign-write-units.ts); the assumptions when absent. */
  campaign?: MeasuredCampaignUnits;
  /** A sync that found nothing new, run through the template's workflow (bench/cost/idle-sync.ts). */
  idleSync?: IdleSyncUnits;
}

/** One sync that found nothing new: what it bills. */
export interface IdleSyncUnits {
  transitions: number;
  importInvocations: number;
  writeUnits: number;
  readUnits: number;
}

/** Capacity units one campaign message's sender run consumed, measured on DynamoDB Local. */
export interface MeasuredCampaignUnits {
  /** Write units by table: the campaign table, the shared limiter's, the CRM table's. */
  writesPerMessage: { campaign: number; rateLimit: number; crm: number };
  /** Read units, every table together. */
  readsPerMessage: number;
}

/** What `webhooks` webhooks a month use, end to end, beyond the fixed monthly usage. */
export function webhookUsage(
  s: StackCostSettings,
  a: Assumptions,
  webhooks: number,
  measured?: MeasuredWrites,
): Usage {
  const meter = new UsageMeter(s, a);
  const u = meter.usage;
  const rate = a.webhooksPerMonth / secondsPerMonth;
  const eventKb = a.webhookPayloadKb + a.eventRecordOverheadKb;
  u.httpApiRequests += webhooks;
  if (s.apiAccessLog) meter.log(webhooks * a.logLineKb);
  meter.invoke(s.functions.ingest, webhooks, a.durationMs.ingest, webhooks * a.logLinesPerWebhook.ingest);
  if (measured) u.writeRequestUnits += webhooks * measured.unitsPerWebhook;
  else meter.write(s.tables.events, webhooks, eventKb); // the conditional put, into the byStatus index too

  // The stream is read by Lambda at no charge; the dispatcher (when there is one) sends one message per event.
  const streamFill = batchFill(rate, s.streamBatchSize, 0);
  if (s.functions.dispatch)
    meter.invoke(
      s.functions.dispatch,
      webhooks / streamFill,
      a.durationMs.dispatchPerEvent * streamFill,
      webhooks * a.logLinesPerWebhook.dispatch,
    );
  const processors = Math.max(1, s.functions.processors.length);
  const queueFill = batchFill(rate / processors, s.queueBatchSize, s.queueBatchWindowSeconds);
  const processorInvocations = webhooks / queueFill;
  // SendMessage per event; per batch one ReceiveMessage that returns it and one DeleteMessageBatch.
  u.sqsRequests += webhooks + 2 * processorInvocations;
  const processor = s.functions.processors[0] ?? s.functions.ingest;
  meter.invoke(
    processor,
    processorInvocations,
    a.durationMs.processorPerEvent * queueFill,
    webhooks * a.logLinesPerWebhook.processor,
  );
  if (measured?.readUnitsPerWebhook !== undefined)
    u.readRequestUnits += webhooks * measured.readUnitsPerWebhook;
  else meter.read(s.tables.events, webhooks, eventKb); // the event record, strongly consistent
  if (!measured) {
    meter.write(s.tables.crm, webhooks, a.crmItemKb); // the activity or contact, with its indexes
    meter.write(s.tables.events, webhooks, eventKb, false); // marked processed…
    meter.indexEntriesRemoved(s.tables.events, webhooks); // …which takes it out of the byStatus index
  }
  return u;
}

/** The sends of `messages` campaign messages alone: the sender's time and its capacity units. */
export function campaignSendUsage(
  s: StackCostSettings,
  a: Assumptions,
  messages: number,
  measured?: MeasuredWrites,
): Usage {
  const sender = s.functions.sender;
  if (!sender) throw new Error('the template has no campaign sender');
  const meter = new UsageMeter(s, a);
  // Billed time of the runs that send: the sends themselves (the run's invocations are fixed cost).
  meter.compute(sender, messages * (a.durationMs.campaignSend / 1000));
  const units = measured?.campaign;
  if (units) {
    const { campaign, rateLimit, crm } = units.writesPerMessage;
    meter.usage.writeRequestUnits += messages * (campaign + rateLimit + crm);
    meter.usage.readRequestUnits += messages * units.readsPerMessage;
  } else {
    meter.write(s.tables.campaign, messages * a.campaignWritesPerMessage.campaign, a.campaignItemKb);
    meter.write(s.tables.rateLimit, messages * a.campaignWritesPerMessage.rateLimit, a.campaignItemKb);
    meter.read(s.tables.crm, messages * a.campaignReadsPerMessage, a.campaignItemKb);
  }
  return meter.usage;
}

/** What `messages` campaign messages a month use: the sends and the delivery webhooks they bring back. */
export function campaignUsage(
  s: StackCostSettings,
  a: Assumptions,
  messages: number,
  measured?: MeasuredWrites,
): Usage {
  return addUsage(
    campaignSendUsage(s, a, messages, measured),
    webhookUsage(s, a, messages * a.deliveryWebhooksPerMessage, measured),
  );
}

/**
 * The baseline: the bare minimum that accepts a webhook — API Gateway, one Lambda invocation at the
 * ingest's memory and duration, one DynamoDB write of the event; no queue, no log line, no trace.
 */
export function bareMinimumWebhooks(
  s: StackCostSettings,
  a: Assumptions,
  webhooks: number,
  p: Prices,
  measured?: MeasuredWrites,
): number {
  const fn = s.functions.ingest;
  const gbSeconds = webhooks * (a.durationMs.ingest / 1000) * (fn.memoryMb / 1024);
  return (
    webhooks * (p.httpApiRequest + p.lambdaRequest) +
    gbSeconds * (fn.arm ? p.lambdaArmGbSecond : p.lambdaX86GbSecond) +
    webhooks *
      (measured?.eventPutUnits ?? Math.ceil(a.webhookPayloadKb + a.eventRecordOverheadKb)) *
      p.dynamoWriteRequestUnit
  );
}

/** For campaigns: the send's Lambda time and one write per message. */
export function bareMinimumCampaign(
  s: StackCostSettings,
  a: Assumptions,
  messages: number,
  p: Prices,
): number {
  const fn = s.functions.sender ?? s.functions.ingest;
  const gbSeconds = messages * (a.durationMs.campaignSend / 1000) * (fn.memoryMb / 1024);
  return (
    gbSeconds * (fn.arm ? p.lambdaArmGbSecond : p.lambdaX86GbSecond) +
    messages * Math.ceil(a.campaignItemKb) * p.dynamoWriteRequestUnit
  );
}
