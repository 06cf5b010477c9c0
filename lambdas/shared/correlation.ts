// One id on every log line of one piece of work, so an operator follows it with one Logs Insights
// query (docs/operations/runbook.md): the event id from the ingest through the dispatcher, the
// processor and the media archiver; the campaign id in a sender run; the import id in an import.
import type { Logger } from '@aws-lambda-powertools/logger';

/** Powertools' own key for it (`logger.setCorrelationId` writes the same one). */
export const correlationIdKey = 'correlation_id';

type Attributes = Record<string, unknown>;
type LogLine = (message: string, attributes?: Attributes) => void;

/** The log methods the services use. */
export interface LogLines {
  debug: LogLine;
  info: LogLine;
  warn: LogLine;
  error: LogLine;
}

/**
 * The logger's methods with the correlation id on every line. Per call, not a key appended to the
 * shared logger: the records of one batch are worked side by side, each with its own id.
 */
export function correlated(logger: Pick<Logger, keyof LogLines>, correlationId: string): LogLines {
  const line =
    (level: keyof LogLines): LogLine =>
    (message, attributes) =>
      logger[level](message, { [correlationIdKey]: correlationId, ...attributes });
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
