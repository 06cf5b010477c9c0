import type { ActivityChange } from '../../../lambdas/crm/domain/activity';
import type { ConsentChange, DeliveryOutcome } from '../../../lambdas/crm/domain/activity-signals';
import {
  attributedSend,
  campaignSignalsOf,
  isWithinReplyWindow,
} from '../../../lambdas/campaigns/domain/tracking';
import { variantReport } from '../../../lambdas/campaigns/domain/report';
import { readStageConfig } from '../../../lib/config';

const change = (facts: ActivityChange['update']['facts'], status?: string): ActivityChange => ({
  update: { activityId: 'ACm1', source: 'webhook', facts, aspects: status ? { status } : {} },
  eventTime: '2026-11-20T10:00:05.000Z',
});
const incoming = (text: string) =>
  change({
    kind: 'message',
    direction: 'incoming',
    from: '+447700900001',
    to: ['+15550001111'],
    phoneNumberId: 'PNline',
    text,
    createdAt: '2026-11-20T10:00:00.000Z',
  });

describe('campaignSignalsOf', () => {
  it('turns an outgoing message outcome into one delivery signal per message id', () => {
    const outcomes: DeliveryOutcome[] = ['+447700900001', '+447700900002'].map((phoneNumber) => ({
      phoneNumber,
      messageId: 'ACm1',
      outcome: 'failed',
      at: '2026-11-20T10:00:05.000Z',
    }));
    const outgoing = change({ kind: 'message', direction: 'outgoing', from: '+15550001111' }, 'undelivered');
    expect(campaignSignalsOf({ change: outgoing, deliveryOutcomes: outcomes })).toEqual([
      { kind: 'delivery', messageId: 'ACm1', status: 'failed', at: '2026-11-20T10:00:05.000Z' },
    ]);
    expect(campaignSignalsOf({ change: outgoing, deliveryOutcomes: [] })).toEqual([]);
  });

  it('makes an incoming message a reply, from our line id and number, at its creation time', () => {
    expect(campaignSignalsOf({ change: incoming('Tell me more'), deliveryOutcomes: [] })).toEqual([
      {
        kind: 'response',
        response: 'replied',
        from: '+447700900001',
        ourNumbers: ['PNline', '+15550001111'],
        at: '2026-11-20T10:00:00.000Z',
      },
    ]);
  });

  it('makes an opt-out keyword an opt-out, and HELP or START a reply', () => {
    const consent = (keyword: ConsentChange['keyword']): ConsentChange => ({
      keyword,
      phoneNumber: '+447700900001',
      messageId: 'ACm1',
      at: '2026-11-20T10:00:00.000Z',
    });
    const responseOf = (keyword: ConsentChange['keyword']) =>
      campaignSignalsOf({ change: incoming('x'), consent: consent(keyword), deliveryOutcomes: [] })[0];
    expect(responseOf('opt-out')).toMatchObject({ response: 'optedOut' });
    expect(responseOf('help')).toMatchObject({ response: 'replied' });
    expect(responseOf('opt-in')).toMatchObject({ response: 'replied' });
  });

  it('ignores calls', () => {
    expect(
      campaignSignalsOf({
        change: change({ kind: 'call', direction: 'incoming', from: '+1' }),
        deliveryOutcomes: [],
      }),
    ).toEqual([]);
  });
});

describe('the reply window', () => {
  const sentAt = '2026-11-20T10:00:00.000Z';
  it('holds from the send to N days after it, inclusive', () => {
    expect(isWithinReplyWindow(sentAt, sentAt, 7)).toBe(true);
    expect(isWithinReplyWindow(sentAt, '2026-11-27T10:00:00.000Z', 7)).toBe(true);
    expect(isWithinReplyWindow(sentAt, '2026-11-27T10:00:00.001Z', 7)).toBe(false);
    expect(isWithinReplyWindow(sentAt, '2026-11-20T09:59:59.999Z', 7)).toBe(false);
    expect(isWithinReplyWindow(sentAt, 'not a time', 7)).toBe(false);
  });

  it('attributes a response to the latest send before it, if that one is inside its window', () => {
    const older = { id: 'older', sentAt: '2026-11-10T10:00:00.000Z' };
    const newer = { id: 'newer', sentAt: '2026-11-20T10:00:00.000Z' };
    expect(attributedSend([older, newer], '2026-11-21T10:00:00.000Z', 7)).toBe(newer);
    // A send after the response is not what it answers; the one before is too old.
    expect(attributedSend([older, newer], '2026-11-19T10:00:00.000Z', 7)).toBeUndefined();
    expect(attributedSend([older], '2026-11-12T10:00:00.000Z', 7)).toBe(older);
    expect(attributedSend([], '2026-11-12T10:00:00.000Z', 7)).toBeUndefined();
  });

  it('is a stage setting of 1–30 days, 7 by default', () => {
    expect(readStageConfig({ stage: 'dev', stages: {} }).campaignReplyWindowDays).toBe(7);
    expect(readStageConfig({ stage: 'dev', stages: { dev: { campaignReplyWindowDays: 3 } } })).toMatchObject({
      campaignReplyWindowDays: 3,
    });
    expect(() => readStageConfig({ stage: 'dev', stages: { dev: { campaignReplyWindowDays: 31 } } })).toThrow(
      /campaignReplyWindowDays/,
    );
  });
});

describe('variantReport', () => {
  it('lists variants in the definition order, tests each against the first, with a Bonferroni correction', () => {
    const report = variantReport(['control', 'b', 'c'], {
      c: { sent: 100, replied: 18 },
      control: { sent: 100, replied: 10, delivered: 95, deliveryFailed: 5, sendFailed: 2, skipped: 3 },
      b: { sent: 100, replied: 19 },
      retired: { sent: 4 },
    });
    expect(report.variants.map((v) => v.variantId)).toEqual(['control', 'b', 'c', 'retired']);
    expect(report.variants[0]).toEqual({
      variantId: 'control',
      counts: { sent: 100, delivered: 95, failed: 5, replied: 10, optedOut: 0 },
      sendFailed: 2,
      skipped: 3,
      rates: { deliveryRate: 0.95, failureRate: 0.05, replyRate: 0.1, optOutRate: 0 },
    });
    expect(report.comparisons.map((c) => [c.variantId, c.controlVariantId])).toEqual([
      ['b', 'control'],
      ['c', 'control'],
      ['retired', 'control'],
    ]);
    // b vs control: 19% vs 10%, p ≈ 0.073 → not significant; c: 18% vs 10% likewise.
    const b = report.comparisons[0]!;
    expect(b.comparison).toMatchObject({ kind: 'compared', significantAt95: false });
    expect(b.significantAfterCorrection).toBe(false);
  });

  it('can be significant at 95% yet not after the correction for several tests', () => {
    // Three tests, so the corrected bar is 0.05 / 3 ≈ 0.0167. On 200 each against 10%:
    // b 17.5% → p ≈ 0.029 (significant alone, not after correction); c 20% → p ≈ 0.005 (both).
    const report = variantReport(['a', 'b', 'c', 'd'], {
      a: { sent: 200, replied: 20 },
      b: { sent: 200, replied: 35 },
      c: { sent: 200, replied: 40 },
      d: { sent: 200, replied: 20 },
    });
    const [b, c] = report.comparisons;
    expect(b!.comparison).toMatchObject({ significantAt95: true });
    expect(b!.significantAfterCorrection).toBe(false);
    expect(c!.comparison).toMatchObject({ significantAt95: true });
    expect(c!.significantAfterCorrection).toBe(true);
  });

  it('reports nothing-sent rather than a test for a variant that has sent nothing', () => {
    const report = variantReport(['a', 'b'], { a: { sent: 10, replied: 1 } });
    expect(report.variants[1]!.rates.replyRate).toBeNull();
    expect(report.comparisons[0]!.comparison).toEqual({ kind: 'nothing-sent', variants: ['first'] });
    expect(report.comparisons[0]!.significantAfterCorrection).toBe(false);
  });
});
