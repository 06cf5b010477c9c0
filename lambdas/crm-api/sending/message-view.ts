import type { StoredApiMessage } from '../adapters/api-message-repository';
import { apiStatusOf, furtherStatus, type ApiMessage } from '../domain/messages';

/** The API's view of a stored message: the status the delivery webhooks brought, if further along. */
export function viewOf(
  message: StoredApiMessage,
  activity: { status?: string; statusAt?: string } | undefined,
  includeText: boolean,
): ApiMessage {
  const status = furtherStatus(message.status, apiStatusOf(activity?.status));
  return {
    id: message.messageId,
    ...(message.erasedAt ? { erasedAt: message.erasedAt } : { to: message.to }),
    from: message.from,
    status,
    ...(message.openPhoneMessageId ? { openPhoneMessageId: message.openPhoneMessageId } : {}),
    ...(includeText && !message.erasedAt ? { text: message.text } : {}),
    createdAt: message.createdAt,
    updatedAt: status !== message.status && activity?.statusAt ? activity.statusAt : message.updatedAt,
    ...(message.error ? { error: message.error } : {}),
  };
}
