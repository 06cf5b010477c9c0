// Write units per webhook, measured: each family's webhooks through the real ingest and processor
// against DynamoDB Local with the template's tables, every request asking for its ConsumedCapacity
// (INDEXES: the table and each index apart).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SendTrackingRepository } from '../lambdas/campaigns';
import {
  ActivityRepository,
  ContactRepository,
  ConversationRepository,
  DeliveryHealthRepository,
  SuppressionRepository,
} from '../lambdas/crm';
import { createProcessEventsHandler } from '../lambdas/events/process/service';
import { EventRepository, familyOf, queueMessageFor, type EventFamily } from '../lambdas/events';
import { staticSigningKeys } from '../lambdas/ingest/adapters/signing-keys';
import { createIngestHandler } from '../lambdas/ingest/service';
import type { CfnTemplate } from '../local/cfn-tables';
import { apiGatewayEvent } from '../local/http-api';
import {
  callObject,
  completedCall,
  contactObject,
  legacyEvent,
  messageObject,
  outgoingMessageObject,
  quoEventOf,
  recording,
  summaryObject,
  taskObject,
  transcriptObject,
} from '../test/support/openphone-payloads';
import { legacySignatureHeader, newLegacyKey } from '../test/support/signers';
import { batchOf, sqsRecord } from '../test/support/sqs';
import { meteredTables } from './capacity-meter';
import type { MeasuredWrites } from './cost';
import type { BenchRow } from './report';

/** Each family's webhooks, in the order OpenPhone sends them for one message, call or contact. */
function webhookMix(n: number): Record<EventFamily, Array<Record<string, unknown>>> {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 20, 11, 0, s)).toISOString();
  const callId = `ACbenchcall${n}`;
  // A conversation per round and kind, as a real office has: each activity moves its conversation on.
  const call = { id: callId, createdAt: at(0), conversationId: `CNbenchcall${n}` };
  const conversationId = `CNbenchmsg${n}`;
  const text = 'Hi, is the walnut desk still available? Could I pick it up on Saturday morning?';
  return {
    messages: [
      legacyEvent(
        'message.received',
        messageObject({ id: `ACbenchin${n}`, text, createdAt: at(0), conversationId }),
        at(0),
      ),
      legacyEvent(
        'message.sent',
        outgoingMessageObject({ id: `ACbenchout${n}`, text, createdAt: at(1), conversationId }),
        at(1),
      ),
      legacyEvent(
        'message.delivered',
        outgoingMessageObject({
          id: `ACbenchout${n}`,
          text,
          status: 'delivered',
          createdAt: at(1),
          conversationId,
        }),
        at(2),
      ),
    ],
    calls: [
      legacyEvent('call.ringing', callObject(call), at(0)),
      legacyEvent('call.completed', completedCall(call), at(240)),
      legacyEvent('call.recording.completed', completedCall({ ...call, media: [recording] }), at(250)),
    ],
    'call-intelligence': [
      legacyEvent('call.summary.completed', summaryObject({ callId }), at(300)),
      legacyEvent('call.transcript.completed', transcriptObject({ callId }), at(310)),
    ],
    contacts: [legacyEvent('contact.updated', contactObject({ id: `CTbench${n}`, updatedAt: at(0) }), at(0))],
    tasks: [
      quoEventOf('task.created', taskObject({ taskId: `TKbench${n}`, createdAt: at(0) }), at(0)),
      quoEventOf('task.completed', { id: `TKbench${n}` }, at(60)),
    ],
  };
}

export interface MeasuredWriteUnits extends MeasuredWrites {
  /** Family → event type → write units of one webhook (the table and its indexes). */
  perType: Record<string, Record<string, number>>;
  /** Family → average write units per webhook of the family's mix. */
  perFamily: Record<EventFamily, number>;
  /** Table or `table/index` (logical names) → units per webhook over every family's mix, equally weighted. */
  byPlace: Record<string, number>;
}

/** Runs `rounds` of each family's mix through the ingest and the processor; returns the measured units. */
export async function measureWriteUnits(
  endpoint: string,
  template: CfnTemplate,
  rounds = Number(process.env.WU_ROUNDS ?? 5),
  /** Keep conversation state as the stack does; false measures the processors without it. */
  conversations = true,
): Promise<MeasuredWriteUnits> {
  const { writes, reads, documents, table, logicalName } = await meteredTables(endpoint, template, 'wu');
  const silent = new Logger({ logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'bench', serviceName: 'bench' });
  const events = new EventRepository(documents, table('EventsTable'));
  const key = newLegacyKey();
  const ingest = createIngestHandler({
    deps: { ...staticSigningKeys([key]), recordEventOnce: (r) => events.recordEventOnce(r) },
    settings: { maxBodyBytes: 262_144, retentionDays: 90 },
    logger: silent,
    metrics,
  });
  const crmTable = table('CrmTable');
  const processorOf = (family: EventFamily) =>
    createProcessEventsHandler({
      family,
      deps: {
        events,
        activities: new ActivityRepository(documents, crmTable),
        contacts: new ContactRepository(documents, crmTable),
        ...(conversations ? { conversations: new ConversationRepository(documents, crmTable) } : {}),
        suppressions: new SuppressionRepository(documents, crmTable),
        deliveryHealth: new DeliveryHealthRepository(documents, crmTable),
        archiveQueue: { enqueue: async () => {} }, // media archiving is the archiver's write, not the webhook's
        campaigns: new SendTrackingRepository(documents, table('CampaignTable')),
      },
      logger: silent,
    });

  const perType: Record<string, Record<string, number>> = {};
  const byPlace = new Map<string, number>();
  let webhooks = 0;
  let readUnits = 0;
  for (let n = 0; n < rounds; n++) {
    for (const [family, mix] of Object.entries(webhookMix(n)) as [EventFamily, Record<string, unknown>[]][]) {
      const process = processorOf(family);
      for (const event of mix) {
        const body = JSON.stringify(event);
        reads.reset();
        const response = await ingest(
          apiGatewayEvent({
            method: 'POST',
            path: '/webhooks/openphone',
            headers: {
              'content-type': 'application/json',
              'openphone-signature': legacySignatureHeader(body, key),
            },
            body: Buffer.from(body),
          }),
        );
        if (response.statusCode !== 202) throw new Error(`bench webhook refused: ${response.body}`);
        const eventId = String(event.id);
        // The dispatcher only reads the stream and sends to SQS: no write of its own.
        readUnits += reads.total();
        const record = await events.getEvent(eventId);
        reads.reset(); // the bench's own read, not the pipeline's
        if (!record || familyOf(record.type) !== family)
          throw new Error(`${eventId} not recorded for ${family}`);
        const result = await process(batchOf(sqsRecord(JSON.stringify(queueMessageFor(record)))));
        readUnits += reads.total();
        if (result.batchItemFailures.length > 0)
          throw new Error(`${eventId} failed in the ${family} processor`);
        const units = writes.reset();
        const type = String(event.type);
        const sum = [...units.values()].reduce((a, b) => a + b, 0);
        perType[family] ??= {};
        perType[family][type] = (perType[family][type] ?? 0) + sum / rounds;
        for (const [place, u] of units)
          byPlace.set(logicalName(place), (byPlace.get(logicalName(place)) ?? 0) + u);
        webhooks += 1;
      }
    }
  }
  const perFamily = Object.fromEntries(
    Object.entries(perType).map(([family, types]) => {
      const values = Object.values(types);
      return [family, values.reduce((a, b) => a + b, 0) / values.length];
    }),
  ) as Record<EventFamily, number>;
  const perPlace = Object.fromEntries([...byPlace].map(([place, u]) => [place, u / webhooks]));
  return {
    perType,
    perFamily,
    byPlace: perPlace,
    unitsPerWebhook: Object.values(perPlace).reduce((a, b) => a + b, 0),
    readUnitsPerWebhook: readUnits / webhooks,
    // The put and the close write the same item: half the events table's own units is the put.
    eventPutUnits: (Object.entries(perPlace).find(([place]) => /EventsTable$/.test(place))?.[1] ?? 2) / 2,
  };
}

/**
 * What conversation state adds: write units per webhook of each family with it, beside the same
 * mix without it, both measured in this run.
 */
export function conversationUnitRows(without: MeasuredWriteUnits, withState: MeasuredWriteUnits): BenchRow[] {
  return [
    ...Object.entries(withState.perFamily).map(([family, units]) => ({
      section: 'write-units',
      measure: `write units per webhook, ${family}, with conversation state`,
      value: units,
      baseline: without.perFamily[family as EventFamily],
      unit: 'WCU',
      baselineLabel: 'the same mix without it',
    })),
    {
      section: 'write-units',
      measure: 'write units per webhook, whole mix, with conversation state',
      value: withState.unitsPerWebhook,
      baseline: without.unitsPerWebhook,
      unit: 'WCU',
      baselineLabel: 'the same mix without it',
    },
  ];
}

/** The measured rows: write units per webhook of each family beside the one write of the event itself. */
export function writeUnitRows(measured: MeasuredWriteUnits): BenchRow[] {
  console.log('Write units per webhook, measured (DynamoDB Local, ReturnConsumedCapacity INDEXES):');
  for (const [family, types] of Object.entries(measured.perType))
    console.log(
      `  ${family}: ${Object.entries(types)
        .map(([type, u]) => `${type} ${u.toFixed(1)}`)
        .join(' · ')}`,
    );
  console.log(
    `  by table and index, per webhook of the whole mix: ${Object.entries(measured.byPlace)
      .map(([place, u]) => `${place} ${u.toFixed(2)}`)
      .join(' · ')}\n`,
  );
  return Object.entries(measured.perFamily).map(([family, units]) => ({
    section: 'cost',
    measure: `write units per webhook, ${family}`,
    value: units,
    baseline: 1,
    unit: 'WCU',
    baselineLabel: 'the event put alone (≤ 1 KB)',
  }));
}
