import {
  activityChangeFromApiCall,
  activityChangeFromApiMessage,
  activityChangeFromWebhook,
} from '../../lambdas/crm/domain/activity-mapping';
import { type ActivityChange } from '../../lambdas/crm/domain/activity';
import {
  apiCallSchema,
  apiMessageSchema,
  parseWebhookEvent,
} from '../../lambdas/openphone/domain/webhook-payloads';
import { line } from './openphone-payloads';

/** The activity change a webhook body makes (throws on anything but a mapped activity). */
export function changeFromWebhook(body: unknown, receivedAt = '2026-11-20T12:00:00.000Z'): ActivityChange {
  const parsed = parseWebhookEvent(body);
  if (!parsed.ok) throw new Error(parsed.reason);
  const mapped = activityChangeFromWebhook(parsed.value, receivedAt);
  if (!mapped.ok) throw new Error(mapped.reason);
  return mapped.change;
}

export function changeFromApiMessage(message: unknown, conversationId?: string): ActivityChange {
  const mapped = activityChangeFromApiMessage(
    apiMessageSchema.parse(message),
    conversationId ? { conversationId } : {},
  );
  if (!mapped.ok) throw new Error(mapped.reason);
  return mapped.change;
}

export function changeFromApiCall(call: unknown, conversationId?: string): ActivityChange {
  const mapped = activityChangeFromApiCall(apiCallSchema.parse(call), {
    openPhoneNumber: line.number,
    ...(conversationId ? { conversationId } : {}),
  });
  if (!mapped.ok) throw new Error(mapped.reason);
  return mapped.change;
}
