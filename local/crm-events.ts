import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import {
  createCrmEventsPublisher,
  crmEventSource,
  type CrmEvent,
  type CrmEventBus,
  type PutOutcome,
} from '../lambdas/crm-events';
import { environmentNames } from '../lambdas/shared/environment';
import { adminPaths } from './admin-api';
import type { CfnTemplate } from './cfn-tables';
import type { HttpApiHandler } from './http-api';
import { localAwsConfig } from './local-pipeline';
import { StreamPoller } from './stream-poller';
import { functionVariables, streamMappingSettings, tableLogicalId } from './template-reading';

/** An event as the local bus stand-in holds it: what a rule on the real bus would match. */
export interface BusEvent {
  source: string;
  detailType: CrmEvent['detailType'];
  time: string;
  detail: CrmEvent['detail'];
}

/**
 * The replica's stand-in for the bridge's EventBridge bus: it keeps what is put on it (the newest
 * `capacity`), for the admin API and `crm-events list`. `refuse` makes it answer like a throttled
 * bus (tests of the publisher's retries).
 */
export class LocalCrmEventBus implements CrmEventBus {
  private readonly events: BusEvent[] = [];
  refuse: ((event: CrmEvent) => boolean) | undefined;

  constructor(private readonly capacity = 10_000) {}

  async put(events: readonly CrmEvent[]): Promise<PutOutcome[]> {
    return events.map((event) => {
      if (this.refuse?.(event)) return { ok: false, reason: 'ThrottlingException' };
      this.events.push({
        source: crmEventSource,
        detailType: event.detailType,
        time: event.detail.occurredAt,
        detail: event.detail,
      });
      if (this.events.length > this.capacity) this.events.shift();
      this.forgetErased(event);
      return { ok: true };
    });
  }

  /**
   * An erase reaches the stand-in too: what it holds of an erased activity or number goes
   * (consent changes stay, as the CRM's suppression audit does), so `crm-events list` shows none.
   */
  private forgetErased(event: CrmEvent): void {
    if (event.detailType !== 'activity.erased' && event.detailType !== 'contact.erased') return;
    const names = (e: BusEvent) =>
      event.detailType === 'activity.erased'
        ? (e.detail as { activityId?: string }).activityId === event.detail.activityId
        : e.detailType !== 'consent.changed' &&
          JSON.stringify(e.detail).includes(JSON.stringify(event.detail.phoneNumber));
    const kept = this.events.filter((e) => e.detailType.endsWith('.erased') || !names(e));
    this.events.splice(0, this.events.length, ...kept);
  }

  /** What was put, oldest first; only one detail-type when asked. */
  list(detailType?: string): BusEvent[] {
    return this.events.filter((e) => !detailType || e.detailType === detailType);
  }
}

export interface LocalCrmEventsOptions {
  template: CfnTemplate;
  /** Logical id → table name, as created in DynamoDB Local. */
  tableNames: Record<string, string>;
  dynamoEndpoint: string;
  logger: Logger;
  /** Text in activity events; the template's setting when absent. */
  includeText?: boolean;
}

/**
 * The CRM events publisher of the stack, wired to local parts: the same publisher reading the CRM
 * and campaign tables' DynamoDB Local streams (with the template's filters and batch settings) into
 * the local bus stand-in.
 */
export function buildLocalCrmEvents(options: LocalCrmEventsOptions) {
  const config = localAwsConfig(options.dynamoEndpoint);
  const dynamo = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const bus = new LocalCrmEventBus();
  const variables = functionVariables(options.template, 'CrmEventsPublishFunction');
  const publish = createCrmEventsPublisher(
    { bus, logger: options.logger },
    {
      settings: {
        includeText: options.includeText ?? variables[environmentNames.crmEventsIncludeText] === 'true',
      },
      retryDelayMs: 10,
    },
  );
  const failures: { records: DynamoDBRecord[]; reason: string }[] = [];
  const pollers = ['CrmTable', 'CampaignTable'].map((fragment) => {
    const tableId = tableLogicalId(options.template, fragment);
    return new StreamPoller({
      dynamo,
      streams,
      tableName: options.tableNames[tableId]!,
      mapping: streamMappingSettings(options.template, tableId),
      retryDelayMs: 50,
      onFailure: (records, reason) => failures.push({ records, reason }),
    });
  });
  return {
    bus,
    publish,
    failures,
    start: () => pollers.forEach((poller) => poller.start(publish)),
    /** Reads both streams until nothing new arrives (tests). */
    drain: async () => {
      for (const poller of pollers) await poller.drain(publish);
    },
    stop: async () => {
      await Promise.all(pollers.map((poller) => poller.stop()));
    },
  };
}
export type LocalCrmEvents = ReturnType<typeof buildLocalCrmEvents>;

/** `GET /local/admin/crm-events[?type=activity.recorded]`: what the bus stand-in holds, oldest first. */
export function crmEventAdminRoutes(bus: LocalCrmEventBus): Record<string, HttpApiHandler> {
  return {
    [`GET ${adminPaths.crmEvents}`]: async (event) => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: bus.list(event.queryStringParameters?.type) }),
    }),
  };
}
