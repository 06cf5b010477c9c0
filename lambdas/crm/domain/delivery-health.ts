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

/**
 * What a delivery failure says about the number:
 * - `hard`: it cannot receive SMS (invalid, landline, disconnected or unallocated): suppress at once;
 * - `soft`: carrier filtering, blocking or a temporary failure: the consecutive-failure rule;
 * - `unknown`: no error, or one not recognised: the consecutive-failure rule too.
 */
export type DeliveryFailureKind = 'hard' | 'soft' | 'unknown';

/**
 * Carrier error codes as SMS providers report them (Twilio-style 30xxx/21xxx, which OpenPhone's
 * carrier partners use); codes are not documented by OpenPhone, so the message text counts too.
 */
const hardCodes = new Set(['30005', '30006', '21211', '21214', '21217', '21407', '21408', '21421', '21614']);
const softCodes = new Set([
  '30001',
  '30002',
  '30003',
  '30004',
  '30007',
  '30008',
  '30009',
  '30010',
  '30017',
  '30018',
  '30019',
  '30022',
  '30023',
  '30024',
  '30027',
  '30032',
  '30034',
  '30035',
]);

const temporaryText = /temporar|try again|retry|timeout|timed out|queue (overflow|full)|throttl|rate limit/i;
const hardText =
  /invalid (destination |phone |mobile |to |recipient )?(number|phone|address)|not a valid (mobile|phone|sms|destination)|landline|not (sms|text|mobile)[- ]?(capable|enabled)|cannot receive (sms|texts?|messages?)|can ?not receive (sms|texts?)|unable to receive (sms|texts?)|disconnected|unallocated|no longer in service|not in service|(unknown|non-?existent) (destination|subscriber|handset|number)|does not exist|number (is )?not (valid|assigned)/i;

export function deliveryFailureKind(
  error: { code?: string; message?: string } | undefined,
): DeliveryFailureKind {
  if (!error) return 'unknown';
  const code = error.code?.replace(/^\D+/, '');
  if (code && hardCodes.has(code)) return 'hard';
  if (code && softCodes.has(code)) return 'soft';
  const text = error.message ?? '';
  if (temporaryText.test(text)) return 'soft';
  if (hardText.test(text)) return 'hard';
  if (/filter|spam|blocked|block list|carrier (violation|rejected)|unreachable|undeliverable/i.test(text))
    return 'soft';
  return 'unknown';
}
