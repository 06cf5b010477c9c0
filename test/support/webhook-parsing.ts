import { parseWebhookEvent, type WebhookEvent } from '../../lambdas/openphone/domain/webhook-payloads';

/** The parsed event of a body that must parse (the reason in the error when it does not). */
export function parsed(body: unknown): WebhookEvent {
  const result = parseWebhookEvent(body);
  if (!result.ok) throw new Error(`expected a parse, got: ${result.reason}`);
  return result.value;
}

/** The reason a body that must not parse is refused. */
export function reasonOf(body: unknown): string {
  const result = parseWebhookEvent(body);
  if (result.ok) throw new Error('expected a failure');
  return result.reason;
}
