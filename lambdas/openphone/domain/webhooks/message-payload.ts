import { z } from 'zod';
import {
  direction,
  mediaList,
  optionalCode,
  optionalText,
  optionalTime,
  phoneNumberList,
} from './payload-fields';

/** A message as the legacy `data.object` carries it (the new envelope's is read into the same shape). */
/**
 * Why a message was not delivered. Not in OpenPhone's published schemas (*unconfirmed*): accepted
 * as `errorCode`/`errorMessage`, or `error` as a string or `{ code, message }`, whichever comes.
 */
const deliveryErrorFields = {
  errorCode: optionalCode,
  errorMessage: optionalText,
  error: z
    .union([z.string(), z.object({ code: optionalCode, message: optionalText }).passthrough()])
    .nullish()
    .catch(undefined),
};

export const messagePayloadSchema = z
  .object({
    id: optionalText,
    object: z.string().nullish(),
    from: optionalText,
    to: phoneNumberList,
    direction,
    text: z.string().nullish(),
    /** Older payload versions carry the text as `body`. */
    body: z.string().nullish(),
    /** What POST /v1/messages calls the text. */
    content: z.string().nullish(),
    status: optionalText,
    media: mediaList,
    createdAt: optionalTime,
    updatedAt: optionalTime,
    userId: optionalText,
    phoneNumberId: optionalText,
    conversationId: optionalText,
    ...deliveryErrorFields,
  })
  .transform(({ body, text, content, errorCode, errorMessage, error, ...message }) => {
    const code = errorCode ?? (typeof error === 'object' ? error?.code : undefined);
    const reason = errorMessage ?? (typeof error === 'string' ? error : error?.message);
    return {
      ...message,
      text: [text, body, content].find((t) => t != null && t !== '') ?? text ?? undefined,
      ...(code || reason
        ? { deliveryError: { ...(code ? { code } : {}), ...(reason ? { message: reason } : {}) } }
        : {}),
    };
  });
export type MessagePayload = z.infer<typeof messagePayloadSchema>;
