import { z } from 'zod';

// GET /v1/users: the workspace's people, so a CRM can show names beside `userId`.

export const user = z
  .object({
    id: z.string().meta({ description: "OpenPhone's user id (`US…`)." }),
    name: z
      .string()
      .meta({ description: '`First Last`; the e-mail address or the id when OpenPhone has no name.' }),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    email: z.string().optional(),
    role: z.string().optional().meta({ description: 'owner, admin, member…' }),
    phoneNumbers: z
      .array(
        z.object({
          id: z.string().meta({ description: 'The workspace number id (`PN…`).' }),
          number: z.string().meta({ description: 'E.164.' }),
          name: z.string().optional().meta({ description: 'The line\'s name in OpenPhone ("Main line").' }),
        }),
      )
      .meta({ description: 'The workspace numbers the user holds.' }),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof user>;

export const userList = z.object({ items: z.array(user) }).meta({ id: 'UserList' });

export const userRoutes = {
  listUsers: {
    method: 'GET',
    path: '/v1/users',
    scope: 'crm/read',
    summary:
      "The workspace's users and the numbers each holds, as the last import or scheduled sync read them from OpenPhone",
    response: userList,
  },
} as const;
