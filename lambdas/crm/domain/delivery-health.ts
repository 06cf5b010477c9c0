/**
 * Bounce tracking for one recipient number: consecutive delivery failures since the last
 * delivery. Pure, so out-of-order and repeated outcomes are decided here and tested with values.
 */
export interface DeliveryHealth {
  /** Failures not followed by a later delivery, one per message id, oldest first. */
  failures: { messageId: string; at: string }[];
  lastDeliveredAt?: string;
}

export const defaultBounceThreshold = 3;
/** Kept failures: enough to decide any threshold the product uses. */
const keptFailures = 20;

export const emptyDeliveryHealth: DeliveryHealth = { failures: [] };

export interface DeliveryResult {
  health: DeliveryHealth;
  consecutiveFailures: number;
  /** True when the failures reach the threshold: the number is to be suppressed as bouncing. */
  bouncing: boolean;
  /** False when the outcome changed nothing (a repeat, or older than the last delivery). */
  changed: boolean;
}

export function consecutiveFailures(health: DeliveryHealth): number {
  return health.failures.filter((f) => !health.lastDeliveredAt || f.at > health.lastDeliveredAt).length;
}

/**
 * The health after one outcome: a failure counts once per message and only if newer than the last
 * delivery; a delivery resets the failures before it (a later failure that arrived first still counts).
 */
export function applyDeliveryOutcome(
  health: DeliveryHealth,
  outcome: { outcome: 'delivered' | 'failed'; messageId: string; at: string },
  threshold = defaultBounceThreshold,
): DeliveryResult {
  let next: DeliveryHealth = health;
  if (outcome.outcome === 'failed') {
    const repeat = health.failures.some((f) => f.messageId === outcome.messageId);
    const beforeLastDelivery = health.lastDeliveredAt !== undefined && outcome.at <= health.lastDeliveredAt;
    if (!repeat && !beforeLastDelivery) {
      const failures = [...health.failures, { messageId: outcome.messageId, at: outcome.at }]
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
        .slice(-keptFailures);
      next = { ...health, failures };
    }
  } else if (!health.lastDeliveredAt || outcome.at > health.lastDeliveredAt) {
    next = { lastDeliveredAt: outcome.at, failures: health.failures.filter((f) => f.at > outcome.at) };
  }
  const count = consecutiveFailures(next);
  return { health: next, consecutiveFailures: count, bouncing: count >= threshold, changed: next !== health };
}
