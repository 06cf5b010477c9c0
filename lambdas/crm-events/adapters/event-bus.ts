import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { crmEventSource, type CrmEvent } from '../domain/crm-event-schemas';

/** Where CRM events go: the stack's EventBridge bus, or the replica's stand-in. */
export interface CrmEventBus {
  /**
   * Puts the events in order; answers, for each, whether the bus took it. A refused entry is the
   * caller's to retry (nothing is retried here beyond what `retries` says).
   */
  put(events: readonly CrmEvent[]): Promise<PutOutcome[]>;
}

export type PutOutcome = { ok: true } | { ok: false; reason: string };

/** PutEvents takes at most 10 entries per call. */
const putEventsBatchSize = 10;

/** The stack's bus: PutEvents in calls of 10, in order. */
export class EventBridgeBus implements CrmEventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async put(events: readonly CrmEvent[]): Promise<PutOutcome[]> {
    const outcomes: PutOutcome[] = [];
    for (let start = 0; start < events.length; start += putEventsBatchSize) {
      const chunk = events.slice(start, start + putEventsBatchSize);
      const { Entries = [] } = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map((event) => {
            const time = new Date(event.detail.occurredAt);
            return {
              EventBusName: this.busName,
              Source: crmEventSource,
              DetailType: event.detailType,
              Detail: JSON.stringify(event.detail),
              // The change's own time; a record without a readable one gets the time of the put.
              ...(Number.isNaN(time.getTime()) ? {} : { Time: time }),
            };
          }),
        }),
      );
      chunk.forEach((_event, i) => {
        const entry = Entries[i];
        outcomes.push(
          entry?.EventId && !entry.ErrorCode
            ? { ok: true }
            : { ok: false, reason: entry?.ErrorCode ?? 'no result for the entry' },
        );
      });
    }
    return outcomes;
  }
}
