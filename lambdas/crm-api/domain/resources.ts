import { z } from 'zod';

// The CRM API's resources: these zod schemas are the types, validate what the API answers in
// tests, and generate the OpenAPI document (domain/openapi.ts). Phone numbers are E.164.

export const apiError = z
  .object({
    error: z
      .string()
      .meta({ description: 'A stable code to branch on, e.g. `invalid_request`, `not_found`.' }),
    message: z.string().meta({ description: 'What went wrong, for a person.' }),
    field: z.string().optional().meta({ description: 'The request field at fault, when there is one.' }),
    status: z
      .number()
      .int()
      .optional()
      .meta({ description: "OpenPhone's own status, when it refused the request (`openphone_refused`)." }),
  })
  .meta({ id: 'Error' });
export type ApiError = z.infer<typeof apiError>;

const mediaLink = z.object({
  type: z.string().optional(),
  /** OpenPhone's own URL, as the webhook gave it (may expire at OpenPhone's discretion). */
  url: z.string(),
  /** A short-lived link to the bridge's archived copy, when one exists. */
  archivedUrl: z.string().optional(),
  /** Why the bridge keeps no copy (refused URL, type, size, gone): the archiver will not try again. */
  notArchived: z.string().optional(),
  duration: z.number().optional(),
});

const dialogueLine = z.object({
  start: z.number().optional(),
  end: z.number().optional(),
  content: z.string().optional(),
  identifier: z.string().optional(),
  userId: z.string().optional(),
});

export const activity = z
  .object({
    id: z.string().meta({ description: "OpenPhone's message or call id (`AC…`)." }),
    kind: z.enum(['message', 'call', 'voicemail', 'task']).optional(),
    direction: z.enum(['incoming', 'outgoing']).optional(),
    from: z.string().optional(),
    to: z.array(z.string()).optional(),
    contactNumbers: z.array(z.string()).optional(),
    conversationId: z.string().optional(),
    userId: z.string().optional(),
    userName: z.string().optional().meta({ description: "The user's name (GET /v1/users), when known." }),
    phoneNumberId: z.string().optional(),
    phoneNumberName: z
      .string()
      .optional()
      .meta({ description: 'The workspace number\'s name ("Main line"), when it has one.' }),
    createdAt: z.string().optional(),
    status: z.string().optional(),
    text: z.string().optional(),
    media: z.array(mediaLink).optional(),
    answeredAt: z.string().optional(),
    completedAt: z.string().optional(),
    durationSeconds: z.number().optional(),
    recordings: z.array(mediaLink).optional(),
    voicemail: mediaLink.extend({ transcript: z.string().optional() }).optional(),
    summary: z.array(z.string()).optional(),
    nextSteps: z.array(z.string()).optional(),
    transcript: z
      .object({
        dialogue: z.array(dialogueLine),
        duration: z.number().optional(),
        status: z.string().optional(),
      })
      .optional(),
    sources: z.array(z.enum(['webhook', 'import', 'api'])).optional(),
  })
  .meta({ id: 'Activity' });
export type Activity = z.infer<typeof activity>;

export const activityPage = z
  .object({
    items: z.array(activity),
    cursor: z
      .string()
      .optional()
      .meta({ description: 'Pass as `cursor` to read the next page; absent on the last.' }),
  })
  .meta({ id: 'ActivityPage' });

export const contact = z
  .object({
    id: z.string(),
    externalId: z.string().optional(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    company: z.string().optional(),
    role: z.string().optional(),
    emails: z.array(z.object({ name: z.string().optional(), value: z.string() })),
    phoneNumbers: z.array(z.object({ name: z.string().optional(), value: z.string() })),
    customFields: z.array(
      z.object({
        name: z.string().optional(),
        key: z.string().optional(),
        type: z.string().optional(),
        value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).optional(),
      }),
    ),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
  })
  .meta({ id: 'Contact' });
export type Contact = z.infer<typeof contact>;

export const contactList = z.object({ items: z.array(contact) }).meta({ id: 'ContactList' });
