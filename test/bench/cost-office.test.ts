import {
  declaredMetricNames,
  estimateCost,
  mixUnitsPerWebhook,
  officeAssumptions,
  officeWebhookMix,
  publishedMetrics,
  seriesByPublishing,
} from '../../bench/cost';
import { assumptions, parameterTemplate, prices, tinyTemplate } from './cost-fixtures';

describe('an office’s month', () => {
  const measured = {
    unitsPerWebhook: 4,
    eventPutUnits: 1,
    perType: { messages: { 'message.received': 10, 'message.sent': 2, 'message.delivered': 2 } },
  };

  it('has a mix whose shares sum to one, three quarters of it messages', () => {
    const mix = officeWebhookMix();
    expect(Object.values(mix).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const messages = Object.entries(mix)
      .filter(([type]) => type.startsWith('message.'))
      .reduce((sum, [, share]) => sum + share, 0);
    expect(messages).toBeCloseTo(18 / 24.1, 6);
  });

  it('weighs each type’s measured write units by its share; a type not measured gets the average', () => {
    const mix = officeWebhookMix();
    const received = mix['message.received']!;
    const sentOrDelivered = mix['message.sent']! + mix['message.delivered']!;
    expect(mixUnitsPerWebhook(measured)).toBeCloseTo(
      received * 10 + sentOrDelivered * 2 + (1 - received - sentOrDelivered) * 4,
      9,
    );
  });

  it('adds its webhooks, the campaign’s deliveries and replies, storage and the idle month', () => {
    const estimate = estimateCost(tinyTemplate(), prices, assumptions, measured);
    const { office, fixed } = estimate;
    expect(office.parts.idle).toBeCloseTo(fixed.total, 9);
    expect(office.total).toBeCloseTo(
      Object.values(office.parts).reduce((a, b) => a + b, 0),
      9,
    );
    // 100,000 of its own, 10,000 delivery webhooks and 500 replies through the API.
    expect(office.bill['API Gateway HTTP API']).toBeCloseTo(110_500 * 1e-6, 9);
    // The replies are priced as message.received (10 units), the deliveries as message.delivered (2).
    const campaignWebhookWrites = 10_000 * 2 + 500 * 10;
    expect(office.parts['follow-up timer firings']).toBeCloseTo(
      officeAssumptions.overdueSpells * officeAssumptions.writeUnitsPerOverdueSpell * 1e-6,
      9,
    );
    // Series are billed by the hours they are published in: traffic's 300, all 720 for the waiting ones.
    const series = seriesByPublishing();
    expect(office.parts.metrics).toBeCloseTo(
      ((series['with traffic'] * 300 + series['while one waits'] * 720 + series['while sending'] * 3) / 720) *
        0.3,
      9,
    );
    expect(office.bill['CloudWatch metrics']).toBeCloseTo(
      office.parts.metrics! + series['every hour'] * 0.3,
      9,
    );
    expect(office.bill['DynamoDB writes']).toBeCloseTo(
      (100_000 * mixUnitsPerWebhook(measured) +
        10_000 * 9 + // the assumed 4 campaign-table writes (and their byWork entries) and 1 token per send
        campaignWebhookWrites +
        2_000) *
        1e-6,
      9,
    );
  });
});

describe('the custom metrics', () => {
  it('prices every metric the Lambdas declare, and only those', () => {
    expect(Object.keys(publishedMetrics).sort()).toEqual([...new Set(declaredMetricNames())].sort());
  });

  it('bills a series by the hours it is published in, not by its data points', () => {
    const traffic = seriesByPublishing({
      A: { when: 'with traffic', series: 5 },
      B: { when: 'on a fault', series: 9 },
    });
    expect(traffic['with traffic']).toBe(5);
    expect(traffic['on a fault']).toBe(9);
    expect(traffic['every hour']).toBe(0);
  });
});

describe('an office’s month, its keys', () => {
  it('prices the ingest’s key reads as KMS decrypts once its keys are a SecureString parameter: no secret to keep', () => {
    const measured = { unitsPerWebhook: 4, eventPutUnits: 1 };
    const withSecret = estimateCost(tinyTemplate(), prices, assumptions, measured).office;
    const withParameter = estimateCost(parameterTemplate(), prices, assumptions, measured).office;
    // The busy ingest re-reads once per 5-minute cache life: 8,640 reads a month either way.
    expect(withSecret.bill['Secrets Manager']).toBeCloseTo(0.4 + 8640 * 1e-4, 9);
    expect(withParameter.bill['Secrets Manager']).toBe(0);
    expect(withParameter.bill['Parameter Store and KMS']).toBeCloseTo(8640 * 1e-5, 9);
  });
});
