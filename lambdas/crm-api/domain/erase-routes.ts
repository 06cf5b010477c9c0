import { z } from 'zod';

// DELETE /v1/contacts/{phone}/data: erase one person on request (docs/operations/security.md, "Privacy").

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
    }),
    erasedAt: z.string().meta({
      description:
        'Activity created at or before this time is not recorded again (re-import, late webhook); newer activity is.',
    }),
  })
  .meta({ id: 'Erasure' });

export const eraseRoutes = {
  eraseContactData: {
    method: 'DELETE',
    path: '/v1/contacts/{phone}/data',
    scope: 'crm/erase',
    summary:
      "Erases one person's activities, timeline entries, archived media and contact records; their suppressions and consent audit stay",
    params: z.object({ phone: z.string().meta({ description: 'E.164, URL-encoded (`%2B15555550123`).' }) }),
    response: erasure,
  },
} as const;
