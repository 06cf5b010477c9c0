import type { DirectoryRepository, DirectoryUser } from '../../crm';
import type { User } from '../domain/user-routes';
import { configured, json, type RouteHandlers } from './types';

export interface UserRouteDeps {
  /** Absent (a bench, a test of other routes): the route answers 503. */
  directory?: Pick<DirectoryRepository, 'listUsers'>;
}

const userView = (user: DirectoryUser): User => ({
  id: user.userId,
  name: user.name,
  ...(user.firstName ? { firstName: user.firstName } : {}),
  ...(user.lastName ? { lastName: user.lastName } : {}),
  ...(user.email ? { email: user.email } : {}),
  ...(user.role ? { role: user.role } : {}),
  phoneNumbers: user.phoneNumbers.map((p) => ({
    id: p.phoneNumberId,
    number: p.number,
    ...(p.name ? { name: p.name } : {}),
  })),
});

/** The workspace directory: who the `userId`s on activities are. */
export function userRoutes(deps: UserRouteDeps): RouteHandlers<'listUsers'> {
  return {
    listUsers: async () =>
      json(200, { items: (await configured(deps.directory, 'directory').listUsers()).map(userView) }),
  };
}
