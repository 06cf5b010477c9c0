import { z } from 'zod';
import {
  direction,
  mediaList,
  optionalNumber,
  optionalText,
  optionalTime,
  phoneNumberList,
  stringList,
} from './payload-fields';

/** Calls, their recordings and voicemails, and the call intelligence (summaries, transcripts). */

const voicemailObject = z.object({
  url: optionalText,
  type: optionalText,
  duration: optionalNumber,
  transcript: z
    .string()
    .nullish()
    .transform((value) => value ?? undefined),
});

/** A voicemail object, or just its URL. */
export const voicemailSchema = z.union([
  voicemailObject,
  z.string().transform((url) => voicemailObject.parse({ url })),
]);

/**
 * A call, or (on `call.recording.completed`) a recording object that names its call: `callId`,
 * with its own `url`, `type`, `duration`. Such an object is attached to the call, never recorded
 * under its own id.
 */
export const callPayloadSchema = z.object({
  id: optionalText,
  callId: optionalText,
  object: z.string().nullish(),
  url: optionalText,
  type: optionalText,
  duration: optionalNumber,
  from: optionalText,
  to: phoneNumberList,
  direction,
  status: optionalText,
  createdAt: optionalTime,
  answeredAt: optionalTime,
  completedAt: optionalTime,
  /** Who answered: `answeredBy` (legacy, REST) or `answeredByUserId` (new `call.answered`). */
  answeredBy: optionalText,
  answeredByUserId: optionalText,
  forwardedFrom: optionalText,
  forwardedTo: optionalText,
  conversationId: optionalText,
  phoneNumberId: optionalText,
  userId: optionalText,
  media: mediaList,
  voicemail: voicemailSchema.nullish().transform((value) => (value?.url ? value : undefined)),
});
export type CallPayload = z.infer<typeof callPayloadSchema>;

export const callSummaryPayloadSchema = z
  .object({
    callId: optionalText,
    object: z.string().nullish(),
    summary: z.union([stringList, z.object({ summary: stringList, nextSteps: stringList })]),
    nextSteps: stringList,
    status: optionalText,
  })
  // A summary object nested under `summary` (as the REST API's `data`) reads the same.
  .transform(({ summary, nextSteps, ...rest }) =>
    Array.isArray(summary)
      ? { ...rest, summary, nextSteps }
      : { ...rest, summary: summary.summary, nextSteps: nextSteps.length ? nextSteps : summary.nextSteps },
  );
export type CallSummaryPayload = z.infer<typeof callSummaryPayloadSchema>;

/** One transcript line: documented as `content` + `identifier`; `text` + `speaker` read the same. */
export const dialogueLineSchema = z
  .object({
    start: optionalNumber,
    end: optionalNumber,
    content: z.string().nullish(),
    text: z.string().nullish(),
    identifier: optionalText,
    speaker: optionalText,
    userId: optionalText,
  })
  .transform(({ content, text, identifier, speaker, start, end, userId }) => ({
    ...(start !== undefined ? { start } : {}),
    ...(end !== undefined ? { end } : {}),
    content: content || text || '',
    ...((identifier ?? speaker) ? { identifier: identifier ?? speaker } : {}),
    ...(userId ? { userId } : {}),
  }));
export type DialogueLine = z.infer<typeof dialogueLineSchema>;

/** Lines with nothing said are dropped: they carry no content to keep. */
const dialogueLines = z
  .array(dialogueLineSchema.nullable())
  .nullish()
  .transform((lines) => (lines ?? []).filter((l): l is DialogueLine => l != null && l.content.trim() !== ''));

/** A transcript nested under `transcript` (as some payload versions send it). */
const nestedTranscript = z.object({
  callId: optionalText,
  dialogue: dialogueLines,
  duration: optionalNumber,
  status: optionalText,
});

export const callTranscriptPayloadSchema = z
  .object({
    callId: optionalText,
    object: z.string().nullish(),
    createdAt: optionalTime,
    dialogue: dialogueLines,
    // Under `transcript`: an object with `dialogue`, a list of lines, or the whole text as one string.
    transcript: z
      .union([
        nestedTranscript,
        dialogueLines,
        z.string().transform((text): DialogueLine[] => (text.trim() ? [{ content: text.trim() }] : [])),
      ])
      .nullish(),
    duration: optionalNumber,
    status: optionalText,
  })
  .transform(({ transcript, dialogue, ...rest }) => {
    const nested: Partial<z.infer<typeof nestedTranscript>> | undefined = Array.isArray(transcript)
      ? { dialogue: transcript }
      : (transcript ?? undefined);
    return {
      ...rest,
      callId: rest.callId ?? nested?.callId,
      dialogue: dialogue.length ? dialogue : (nested?.dialogue ?? []),
      duration: rest.duration ?? nested?.duration,
      status: rest.status ?? nested?.status,
    };
  });
export type CallTranscriptPayload = z.infer<typeof callTranscriptPayloadSchema>;
