import { z } from 'zod';

// DELETE /v1/contacts/{phone}/data: erase one person on request (docs/operations/security.md,
// "Personal data: stores, erase and retention").

export const erasure = z
  .object({
    phoneNumber: z.string().meta({ description: 'E.164.' }),
    erased: z.object({
      activities: z
        .number()
        .int()
        .meta({ description: 'Messages and calls removed, with their timeline entries.' }),
      media: z
        .number()
        .int()
        .meta({ description: 'Archived media, recordings and voicemails deleted from S3.' }),
      contacts: z.number().int().meta({ description: 'Contact records removed.' }),
      apiMessages: z
        .number()
        .int()
        .meta({ description: 'Messages sent to the number through this API: number and text removed.' }),
      eventPayloads: z.number().int().meta({
        description:
          'Raw webhook bodies about the erased records, blanked (id, type, status and times stay).',
      }),
      campaignRecipients: z.number().int().meta({
        description: 'Campaign recipient rows: number and CSV fields removed, state and counts kept.',
      }),
    }),
    erasedAt: z.string().meta({
      description:
        'Activity created at or before this time is not recorded again (re-import, late webhook); newer activity is.',
    }),
    expiringCopies: z
      .array(z.object({ store: z.string(), expiresWithin: z.string() }))
      .meta({ description: 'Copies the erase cannot reach, and when they are gone (dead-letter queues).' }),
  })
  .meta({ id: 'Erasure' });

export const eraseRoutes = {
  eraseContactData: {
    method: 'DELETE',
    path: '/v1/contacts/{phone}/data',
    scope: 'crm/erase',
    summary:
      'Erases one person everywhere: activities, timeline entries, archived media, contact records, messages sent to them, webhook bodies, campaign recipient rows; their suppressions and consent audit stay',
    params: z.object({ phone: z.string().meta({ description: 'E.164, URL-encoded (`%2B15555550123`).' }) }),
    response: erasure,
  },
} as const;
