import { z } from 'zod';
import { direction, optionalNumber, optionalText, optionalTime, phoneNumberList } from './payload-fields';

/**
 * The new webhooks' own call resources: the voicemail (`call.voicemail.completed`) and the IVR
 * choice (`call.menu.selected`). Both name the call they belong to; neither is a call itself.
 */

/** A transcript as one string, `{ text }`, or lines with `content`: read as one text. */
const voicemailTranscript = z
  .union([
    z.string(),
    z.object({ text: z.string().nullish(), content: z.string().nullish() }).passthrough(),
    z.array(z.object({ content: z.string().nullish(), text: z.string().nullish() }).passthrough().nullable()),
  ])
  .nullish()
  .transform((value) => {
    if (value == null) return undefined;
    const text =
      typeof value === 'string'
        ? value
        : Array.isArray(value)
          ? value.map((line) => line?.content ?? line?.text ?? '').join(' ')
          : (value.text ?? value.content ?? '');
    return text.trim() || undefined;
  });

/** `call.voicemail.completed`: its own id and `voicemailId` (VM…), the `callId` it was left on (may be null). */
export const voicemailEventPayloadSchema = z
  .object({
    id: optionalText,
    voicemailId: optionalText,
    callId: optionalText,
    from: optionalText,
    to: phoneNumberList,
    direction,
    duration: optionalNumber,
    recordingUrl: optionalText,
    url: optionalText,
    type: optionalText,
    /** Null until the transcription is ready. */
    transcript: voicemailTranscript,
    status: optionalText,
    createdAt: optionalTime,
    conversationId: optionalText,
    phoneNumberId: optionalText,
    userId: optionalText,
  })
  .transform(({ recordingUrl, url, ...voicemail }) => ({ ...voicemail, url: recordingUrl ?? url }));
export type VoicemailEventPayload = z.infer<typeof voicemailEventPayloadSchema>;

/** `call.menu.selected`: the caller's IVR choice, on the call (`callId`, or the resource is the call). */
export const callMenuSelectionPayloadSchema = z
  .object({
    id: optionalText,
    callId: optionalText,
    option: optionalText,
    digit: z
      .union([z.string(), z.number()])
      .nullish()
      .transform((value) =>
        value == null || String(value).trim() === '' ? undefined : String(value).trim(),
      ),
    selection: optionalText,
    label: optionalText,
    name: optionalText,
    destination: optionalText,
    selectedAt: optionalTime,
    createdAt: optionalTime,
  })
  .transform((menu) => ({
    callId: menu.callId ?? menu.id,
    choice: menu.option ?? menu.digit ?? menu.selection,
    label: menu.label ?? menu.name,
    destination: menu.destination,
    selectedAt: menu.selectedAt ?? menu.createdAt,
  }));
export type CallMenuSelectionPayload = z.infer<typeof callMenuSelectionPayloadSchema>;
