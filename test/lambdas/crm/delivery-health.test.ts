import fc from 'fast-check';
import {
  applyDeliveryOutcome,
  emptyDeliveryHealth,
  type DeliveryHealth,
  type DeliveryResult,
} from '../../../lambdas/crm/domain/delivery-health';

const failed = (messageId: string, at: string) => ({ outcome: 'failed' as const, messageId, at });
const delivered = (messageId: string, at: string) => ({ outcome: 'delivered' as const, messageId, at });

function replay(outcomes: ReturnType<typeof failed | typeof delivered>[], threshold = 3) {
  let health: DeliveryHealth = emptyDeliveryHealth;
  let last: DeliveryResult | undefined;
  for (const outcome of outcomes) {
    last = applyDeliveryOutcome(health, outcome, threshold);
    health = last.health;
  }
  return last!;
}

describe('delivery health', () => {
  it('is bouncing after three consecutive failures', () => {
    const result = replay([failed('m1', 't1'), failed('m2', 't2'), failed('m3', 't3')]);
    expect(result).toMatchObject({ consecutiveFailures: 3, bouncing: true });
  });

  it('is not bouncing after two', () => {
    expect(replay([failed('m1', 't1'), failed('m2', 't2')]).bouncing).toBe(false);
  });

  it('counts a repeated failure of the same message once', () => {
    const result = replay([failed('m1', 't1'), failed('m1', 't1'), failed('m2', 't2')]);
    expect(result.consecutiveFailures).toBe(2);
    expect(applyDeliveryOutcome(result.health, failed('m2', 't2')).changed).toBe(false);
  });

  it('resets on a delivery', () => {
    const result = replay([
      failed('m1', 't1'),
      failed('m2', 't2'),
      delivered('m3', 't3'),
      failed('m4', 't4'),
    ]);
    expect(result.consecutiveFailures).toBe(1);
  });

  it('ignores a failure older than the last delivery', () => {
    const result = replay([delivered('m3', 't3'), failed('m1', 't1')]);
    expect(result).toMatchObject({ consecutiveFailures: 0, changed: false });
  });

  it('keeps a later failure that arrived before an earlier delivery', () => {
    const result = replay([failed('m4', 't4'), delivered('m3', 't3')]);
    expect(result.consecutiveFailures).toBe(1);
  });

  it('reaches the same count whatever the arrival order', () => {
    const outcomes = [
      failed('m1', 't1'),
      failed('m2', 't2'),
      delivered('m3', 't3'),
      failed('m4', 't4'),
      failed('m5', 't5'),
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(outcomes, { minLength: outcomes.length }), (order) => {
        expect(replay(order).consecutiveFailures).toBe(2);
      }),
    );
  });
});
