import { estimateCost, readCostSettings, seriesByPublishing } from '../../bench/cost';
import { bridgeTemplate } from '../support/dynamo';
import { assumptions, prices, tinyTemplate } from './cost-fixtures';

describe('the cost estimate', () => {
  const estimate = estimateCost(tinyTemplate(), prices, assumptions);
  const logsGb = 5e6 / 1024 ** 2; // 3M invocations × 1 KB of platform lines + 2M Powertools lines × 1 KB

  it('prices a million webhooks line by line from the template’s settings', () => {
    const { bill } = estimate.perMillionWebhooks;
    // ingest and dispatch: 1M × 0.1 s × 1 GB each on arm; processor: 1M × 0.5 s × 2 GB on x86.
    expect(bill['Lambda compute']).toBeCloseTo(200_000 * 1e-5 + 1_000_000 * 2e-5, 6);
    expect(bill['Lambda requests']).toBeCloseTo(3e6 * 1e-7, 6);
    expect(bill['API Gateway HTTP API']).toBeCloseTo(1, 6);
    // put 2 + 1 (byStatus), CRM 1, marked processed 2, out of byStatus 1: 7 write units per webhook.
    expect(bill['DynamoDB writes']).toBeCloseTo(7, 6);
    expect(bill['DynamoDB reads']).toBeCloseTo(1e6 * 1e-7, 6); // one strongly consistent read of 2 KB
    expect(bill.SQS).toBeCloseTo(3e6 * 1e-7, 6); // send, receive, delete
    expect(bill['CloudWatch Logs']).toBeCloseTo(logsGb * 1 + logsGb * 0.1, 6); // 30 days kept
    expect(bill['X-Ray']).toBeCloseTo(1, 6); // only the ingest is traced
    expect(bill['Secrets Manager']).toBe(0);
    expect(estimate.perMillionWebhooks.total).toBeCloseTo(22 + 0.3 + 1 + 7 + 0.1 + 0.3 + logsGb * 1.1 + 1, 6);
  });

  it('sets it beside the bare minimum: API Gateway, one Lambda invocation, one write', () => {
    expect(estimate.perMillionWebhooks.baseline).toBeCloseTo(1e6 * 1.1e-6 + 100_000 * 1e-5 + 2e6 * 1e-6, 6);
  });

  it('prices campaign messages with the delivery webhook each brings back', () => {
    const { bill, total, baseline } = estimate.perHundredThousandMessages;
    // sends: 100k × 0.2 s × 0.5 GB = 10,000 GB-s; writes: 4 × (1 + byWork) + 1 token per message.
    expect(bill['Lambda compute']).toBeCloseTo(0.1 + 2.2, 6);
    expect(bill['DynamoDB writes']).toBeCloseTo(0.9 + 0.7, 6);
    // reads: suppression twice and the daily-cap count per send, and the delivery webhook's one.
    expect(bill['DynamoDB reads']).toBeCloseTo(3e5 * 1e-7 + 1e5 * 1e-7, 6);
    expect(total).toBeCloseTo(0.1 + 0.9 + 0.03 + estimate.perMillionWebhooks.total / 10, 6);
    expect(baseline).toBeCloseTo(0.1 + 0.1, 6);
  });

  it('counts what a month costs with no traffic, the follow-up’s reply-due timer included', () => {
    const { bill, total } = estimate.fixed;
    expect(bill['Secrets Manager']).toBeCloseTo(0.4, 6); // the ingest, idle, never re-reads its secret
    expect(bill.SQS).toBeCloseTo(((5 * (30 * 86_400)) / 20) * 1e-7, 6); // one polled queue, 5 pollers
    // Not in this template: once a minute, 128 MB for 100 ms on arm, an empty query of half a read unit.
    const timer = 43_200 * 1e-6 + 43_200 * 0.1 * (128 / 1024) * 1e-5 + 43_200 * 1e-7 + 43_200 * 0.5 * 1e-7;
    // The metric series a schedule publishes every hour, nothing happening or not.
    const everyHour = seriesByPublishing()['every hour'] * 0.3;
    expect(bill['CloudWatch metrics']).toBeCloseTo(everyHour, 6);
    expect(total).toBeCloseTo(0.4 + 0.0648 + 0.1 + timer + everyHour, 6);
  });

  it('refuses a template it cannot price', () => {
    expect(() => estimateCost(tinyTemplate('PROVISIONED'), prices, assumptions)).toThrow(/on-demand/);
  });

  it('prices the write units the bench measured instead of the item-size model, when given', () => {
    const measured = estimateCost(tinyTemplate(), prices, assumptions, {
      unitsPerWebhook: 3.5,
      eventPutUnits: 1,
    });
    expect(measured.perMillionWebhooks.bill['DynamoDB writes']).toBeCloseTo(3.5, 6);
    expect(measured.perMillionWebhooks.baseline).toBeCloseTo(estimate.perMillionWebhooks.baseline - 1, 6);
    // The delivery webhook of each campaign message is priced the same way.
    expect(measured.perHundredThousandMessages.bill['DynamoDB writes']).toBeCloseTo(0.9 + 0.35, 6);
  });

  it('prices the capacity units measured per campaign message instead of the assumed writes and reads', () => {
    const measured = estimateCost(tinyTemplate(), prices, assumptions, {
      unitsPerWebhook: 3.5,
      eventPutUnits: 1,
      campaign: { writesPerMessage: { campaign: 10, rateLimit: 2, crm: 0.5 }, readsPerMessage: 4 },
    });
    const { bill } = measured.perHundredThousandMessages;
    // 12.5 units per message, 1e5 messages, plus the delivery webhooks' 3.5 each.
    expect(bill['DynamoDB writes']).toBeCloseTo(1e5 * 12.5 * 1e-6 + 0.35, 6);
    expect(bill['DynamoDB reads']).toBeCloseTo(1e5 * 4 * 1e-7 + 1e5 * 1e-7, 6);
    // Webhooks alone are priced as before.
    expect(measured.perMillionWebhooks.bill['DynamoDB writes']).toBeCloseTo(3.5, 6);
  });

  it('prices the read units measured per webhook instead of the one modelled event read', () => {
    const measured = estimateCost(tinyTemplate(), prices, assumptions, {
      unitsPerWebhook: 3.5,
      eventPutUnits: 1,
      readUnitsPerWebhook: 2.5,
    });
    expect(measured.perMillionWebhooks.bill['DynamoDB reads']).toBeCloseTo(1e6 * 2.5 * 1e-7, 6);
    expect(estimate.perMillionWebhooks.bill['DynamoDB reads']).toBeCloseTo(1e6 * 1e-7, 6);
  });

  it('reads the real stack: five processors, every function on arm64 and none traced by default', () => {
    const settings = readCostSettings(bridgeTemplate());
    expect(settings.functions.processors).toHaveLength(5);
    expect(settings.allFunctions.every((f) => f.arm && !f.traced && !f.platformLogs)).toBe(true);
    expect(settings.tables.events).toEqual({ gsis: 3 });
    expect(settings.functions.sender).toBeDefined();
    expect(settings.stateMachineStates).toBeGreaterThan(0);
    expect(estimateCost(bridgeTemplate()).perMillionWebhooks.total).toBeGreaterThan(
      estimateCost(bridgeTemplate()).perMillionWebhooks.baseline,
    );
  });

  it('reads which schedule starts what: the sweeper a function, the hourly sync the workflow', () => {
    const { schedules } = readCostSettings(bridgeTemplate());
    const target = (fragment: string) => schedules.find((r) => r.id.includes(fragment))?.target;
    expect(target('IncrementalSync')).toBe('state-machine');
    expect(target('Sweeper')).toEqual(expect.objectContaining({ id: expect.stringContaining('Sweep') }));
    expect(schedules.find((r) => r.id.includes('IncrementalSync'))?.perMonth).toBe(720);
  });

  it('reads the real stack’s keys as SecureString parameters: no secret, four parameter readers', () => {
    const settings = readCostSettings(bridgeTemplate());
    expect(settings.secrets).toBe(0);
    const readers = settings.allFunctions.filter((f) => f.keyStore !== undefined);
    expect(readers.map((f) => f.keyStore)).toEqual(['parameter', 'parameter', 'parameter', 'parameter']);
    expect(settings.functions.ingest.keyStore).toBe('parameter');
  });

  it('keeps the real stack’s dashboard within the free tier’s 50 metrics', () => {
    const { dashboardMetrics } = readCostSettings(bridgeTemplate());
    expect(dashboardMetrics).toHaveLength(1);
    expect(dashboardMetrics[0]).toBeGreaterThan(20);
    expect(dashboardMetrics[0]).toBeLessThanOrEqual(50);
  });
});
