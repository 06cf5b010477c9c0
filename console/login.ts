import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two secrets (false for different lengths). */
export const sameSecret = (given: string, expected: string) =>
  given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

/**
 * The console's login, as notebook servers do it: a random token printed once at start, exchanged
 * at `/login?token=…` for a session cookie (HttpOnly, SameSite=Strict). The token works once: the
 * first browser to use it holds the session; another browser needs a restart and a new URL.
 */
export class ConsoleLogin {
  /** The token of the login URL printed at start. */
  readonly token = randomBytes(24).toString('base64url');
  private used = false;
  private readonly sessions = new Set<string>();

  /** Named per port (read once listening): consoles on one machine share 127.0.0.1's cookies, not sessions. */
  constructor(private readonly port: () => number) {}

  get cookieName(): string {
    return `console_session_${this.port()}`;
  }

  /** The Set-Cookie header of a new session, or undefined when the token is wrong or already used. */
  exchange(token: string | null): string | undefined {
    if (this.used || token === null || !sameSecret(token, this.token)) return undefined;
    this.used = true;
    const session = randomBytes(32).toString('base64url');
    this.sessions.add(session);
    return `${this.cookieName}=${session}; Path=/; HttpOnly; SameSite=Strict`;
  }

  /** Whether the request's Cookie header carries a session this console started. */
  hasSession(cookieHeader: string | undefined): boolean {
    const prefix = `${this.cookieName}=`;
    const value = (cookieHeader ?? '')
      .split(';')
      .map((part) => part.trim())
      .find((part) => part.startsWith(prefix))
      ?.slice(prefix.length);
    return value !== undefined && [...this.sessions].some((session) => sameSecret(value, session));
  }
}
