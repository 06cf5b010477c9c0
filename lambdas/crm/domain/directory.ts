import { normalisePhoneNumber } from '../../shared/phone-numbers';

/**
 * The workspace directory: who the users are and what the workspace numbers are called, so
 * activities and the API can show people and lines, not only `US…` and `PN…` ids. OpenPhone's
 * v1 API lists users only on their phone numbers (`GET /v1/phone-numbers`), so that is the source.
 */

export interface DirectoryUser {
  userId: string;
  /** `First Last`; the e-mail address or the id when OpenPhone has no name. */
  name: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  role?: string;
  /** The workspace numbers the user holds. */
  phoneNumbers: DirectoryPhoneNumber[];
}

export interface DirectoryPhoneNumber {
  phoneNumberId: string;
  /** E.164. */
  number: string;
  /** The name given to the line in OpenPhone ("Main line"); absent when it has none. */
  name?: string;
}

export interface Directory {
  users: DirectoryUser[];
  phoneNumbers: DirectoryPhoneNumber[];
}

/** A phone number as OpenPhone lists it, with its users (the fields the directory keeps). */
export interface WorkspacePhoneNumber {
  id: string;
  number: string;
  name?: string | null;
  users: {
    id: string;
    firstName?: string | null;
    lastName?: string | null;
    email?: string | null;
    role?: string | null;
  }[];
}

const present = (value: string | null | undefined) => (value?.trim() ? value.trim() : undefined);

/** The directory OpenPhone's phone-number list describes: each user once, with every number they hold. */
export function directoryOf(numbers: readonly WorkspacePhoneNumber[]): Directory {
  const phoneNumbers = numbers.map((n) => ({
    phoneNumberId: n.id,
    number: normalisePhoneNumber(n.number),
    ...(present(n.name) ? { name: present(n.name) } : {}),
  }));
  const users = new Map<string, DirectoryUser>();
  numbers.forEach((n, i) => {
    for (const u of n.users) {
      const firstName = present(u.firstName);
      const lastName = present(u.lastName);
      const email = present(u.email);
      const role = present(u.role);
      const user = users.get(u.id) ?? {
        userId: u.id,
        name: [firstName, lastName].filter(Boolean).join(' ') || email || u.id,
        ...(firstName ? { firstName } : {}),
        ...(lastName ? { lastName } : {}),
        ...(email ? { email } : {}),
        ...(role ? { role } : {}),
        phoneNumbers: [],
      };
      if (!user.phoneNumbers.some((p) => p.phoneNumberId === n.id)) user.phoneNumbers.push(phoneNumbers[i]!);
      users.set(u.id, user);
    }
  });
  return {
    users: [...users.values()].sort(
      (a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId),
    ),
    phoneNumbers,
  };
}

/** The names of the people and lines on an activity; an id the directory does not know gets none. */
export interface ActivityNames {
  userName?: string;
  phoneNumberName?: string;
}

export function activityNamesOf(
  directory: Directory,
  ids: { userId?: string | undefined; phoneNumberId?: string | undefined },
): ActivityNames {
  const user = ids.userId ? directory.users.find((u) => u.userId === ids.userId) : undefined;
  const line = ids.phoneNumberId
    ? directory.phoneNumbers.find((p) => p.phoneNumberId === ids.phoneNumberId)
    : undefined;
  return {
    ...(user ? { userName: user.name } : {}),
    ...(line?.name ? { phoneNumberName: line.name } : {}),
  };
}

/** A record with the names it lacks filled in from the directory (older records were written without). */
export function withActivityNames<
  T extends { userId?: string; phoneNumberId?: string; userName?: string; phoneNumberName?: string },
>(record: T, directory: Directory): T {
  const names = activityNamesOf(directory, record);
  return {
    ...record,
    ...(record.userName === undefined && names.userName ? { userName: names.userName } : {}),
    ...(record.phoneNumberName === undefined && names.phoneNumberName
      ? { phoneNumberName: names.phoneNumberName }
      : {}),
  };
}
