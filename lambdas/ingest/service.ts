import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { bridgeMetrics } from '../shared/metrics';
import { correlationIdKey } from '../shared/correlation';
import {
  acceptWebhook,
  type IntakeOutcome,
  type IntakeDeps,
  type IntakeSettings,
} from './domain/webhook-intake';

export interface IngestOptions {
  deps: IntakeDeps;
  settings: IntakeSettings;
  logger: Logger;
  metrics: Metrics;
  now?: () => Date;
}

const json = (statusCode: number, body: object): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function toResponse(outcome: IntakeOutcome): APIGatewayProxyStructuredResultV2 {
  switch (outcome.kind) {
    case 'accepted':
      return json(202, { status: 'accepted', eventId: outcome.eventId });
    case 'duplicate':
      return json(200, { status: 'duplicate', eventId: outcome.eventId });
    case 'ignored':
      return json(200, { status: 'ignored', eventId: outcome.eventId, reason: 'unknown_event_type' });
    case 'test':
      return json(200, { status: 'test', eventId: outcome.eventId });
    case 'rejected':
      return json(outcome.status, {
        error: outcome.reason,
        ...(outcome.detail ? { message: outcome.detail } : {}),
      });
  }
}

/** The metric and the log line of one delivery's outcome (the bench measures them alone). */
export function recordOutcome(metrics: Metrics, logger: Logger, outcome: IntakeOutcome): void {
  if (outcome.kind === 'rejected') {
    metrics
      .singleMetric()
      .addDimension('reason', outcome.reason)
      .addMetric(bridgeMetrics.ingest.rejected, MetricUnit.Count, 1);
    if (outcome.status === 401) metrics.addMetric(bridgeMetrics.ingest.unauthorized, MetricUnit.Count, 1);
    logger.warn('webhook rejected', { status: outcome.status, reason: outcome.reason });
    return;
  }
  metrics.addMetric(bridgeMetrics.ingest[outcome.kind], MetricUnit.Count, 1);
  logger.info(`webhook ${outcome.kind}`, {
    [correlationIdKey]: outcome.eventId,
    eventId: outcome.eventId,
    eventType: outcome.type,
  });
}

/** The headers by lower-cased name: API Gateway's payload v2 already sends them so, and then they are used as they are. */
function lowerCased(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  for (const name in headers)
    if (name !== name.toLowerCase())
      return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return headers;
}

/**
 * The text as its UTF-8 bytes read back (a lone surrogate becomes U+FFFD): what the body was when it
 * was copied into a Buffer. Text without surrogates is that already, and is used as it is.
 */
function wellFormed(text: string): string {
  return /[\uD800-\uDFFF]/.test(text) ? Buffer.from(text, 'utf8').toString('utf8') : text;
}

/** POST /webhooks/openphone: API Gateway event in, intake outcome out as a status and a reason. */
export function createIngestHandler(options: IngestOptions) {
  const now = options.now ?? (() => new Date());
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const headers = lowerCased(event.headers ?? {});
    const body = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64')
      : wellFormed(event.body ?? '');
    try {
      const outcome = await acceptWebhook(
        { body, headers, receivedAt: now() },
        options.deps,
        options.settings,
      );
      recordOutcome(options.metrics, options.logger, outcome);
      return toResponse(outcome);
    } catch (error) {
      // The event is not recorded: a 5xx makes OpenPhone deliver it again.
      options.logger.error('webhook could not be recorded', { error: error as Error });
      return json(500, { error: 'internal_error' });
    }
  };
}
