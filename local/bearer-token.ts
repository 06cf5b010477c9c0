import { timingSafeEqual } from 'node:crypto';

/** Whether an Authorization header is `Bearer <token>`, compared in constant time. */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
