import { z } from 'zod';
import { direction, optionalNumber, optionalText, optionalTime, phoneNumberList } from './payload-fields';
import { contactPayloadSchema } from './contact-payload';

/** REST objects from GET /v1/messages and GET /v1/calls (the import's view of the same activities). */
export const apiMessageSchema = z.object({
  id: z.string().min(1),
  to: phoneNumberList,
  from: optionalText,
  text: z.string().nullish(),
  phoneNumberId: optionalText,
  direction,
  userId: optionalText,
  status: optionalText,
  createdAt: optionalTime,
  updatedAt: optionalTime,
});
export type ApiMessage = z.infer<typeof apiMessageSchema>;

export const apiCallSchema = z.object({
  id: z.string().min(1),
  answeredAt: optionalTime,
  answeredBy: optionalText,
  initiatedBy: optionalText,
  direction,
  status: optionalText,
  completedAt: optionalTime,
  createdAt: optionalTime,
  duration: optionalNumber,
  forwardedFrom: optionalText,
  forwardedTo: optionalText,
  phoneNumberId: optionalText,
  participants: phoneNumberList,
  updatedAt: optionalTime,
  userId: optionalText,
});
export type ApiCall = z.infer<typeof apiCallSchema>;

export const apiContactSchema = contactPayloadSchema;
