import { isWithinSendingWindow } from '../../lambdas/campaigns';

/**
 * A business zone whose clock is inside the sending window now and for the next hour, so the
 * sender runs on the real clock (the simulator stamps messages with it, reconciliation compares).
 * Pair it with UK recipients: no NANP area code, so their quiet hours follow the business zone.
 */
export function zoneInsideWindowNow(): string {
  const zones = [
    'Pacific/Auckland',
    'Asia/Tokyo',
    'Asia/Kolkata',
    'Europe/London',
    'America/New_York',
    'America/Los_Angeles',
    'Pacific/Honolulu',
  ];
  const now = Date.now();
  const zone = zones.find(
    (z) => isWithinSendingWindow(new Date(now), z) && isWithinSendingWindow(new Date(now + 3_600_000), z),
  );
  if (!zone) throw new Error('no zone inside the sending window');
  return zone;
}
