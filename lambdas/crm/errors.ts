/** The crm capability's errors, as named classes a caller can branch on. */
export { InvalidCursorError } from '../shared/page-cursor';

/** Optimistic writes that kept losing to concurrent writers: the caller retries the whole event. */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
  constructor(what: string, attempts: number) {
    super(`${what}: still conflicting after ${attempts} attempts`);
  }
}
