import { z } from 'zod';
import { optionalText, optionalTime } from './payload-fields';

/**
 * The legacy envelope (app-made and `/v1/webhooks` subscriptions): the object is `data.object`,
 * whole, with its numbers, users and conversation on it.
 */
export const legacyEnvelopeSchema = z.object({
  id: optionalText,
  object: z.string().nullish(),
  apiVersion: optionalText,
  createdAt: optionalTime,
  type: z.string().min(1),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
export type LegacyEnvelope = z.infer<typeof legacyEnvelopeSchema>;
