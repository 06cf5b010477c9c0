/**
 * A 401 may mean the API key was rotated while this container kept the old one: the key is read
 * again once per rejected client (the recipients in flight that met the same 401 share the read),
 * and the send is retried with the new client before a 401 counts towards pausing the campaign.
 */
import type { CampaignOpenPhone, SenderContext } from './context';

/** The client to retry a send with after `rejected` answered 401, or undefined when there is none. */
export async function clientAfterRejection(
  sender: SenderContext,
  rejected: CampaignOpenPhone,
): Promise<CampaignOpenPhone | undefined> {
  const { openPhone, keyReloads, deps } = sender;
  if (openPhone.current !== rejected) return openPhone.current;
  const reload = deps.reloadOpenPhone;
  if (!reload) return undefined;
  let pending = keyReloads.get(rejected);
  if (!pending) {
    pending = reload()
      .then((fresh) => {
        if (fresh && openPhone.current === rejected) openPhone.current = fresh;
        if (fresh) deps.logger.info('OpenPhone API key read again after a 401: retrying with it');
        return fresh;
      })
      .catch((error: unknown) => {
        deps.logger.warn('OpenPhone API key could not be read again after a 401', { error });
        return undefined;
      });
    keyReloads.set(rejected, pending);
  }
  return pending;
}
