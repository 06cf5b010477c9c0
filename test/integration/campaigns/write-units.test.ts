import { measureCampaignUnits } from '../../../bench/campaign-write-units';
import { bridgeTemplate } from '../../support/dynamo';

/**
 * What a sent campaign message writes, measured as the cost bench measures it: the real sender
 * sends a small campaign to the simulated OpenPhone against DynamoDB Local with the template's
 * tables, every request asking for its ConsumedCapacity. The rate-limit table's share depends on
 * timing (a grant whose last check was slow is moved), so it is the bench's to report.
 */
describe('write units per sent campaign message, on DynamoDB Local', () => {
  it('claims and finishes a recipient with two table writes and one work-index write', async () => {
    const measured = await measureCampaignUnits(process.env.DYNAMODB_ENDPOINT!, bridgeTemplate(), 8);

    expect(measured.sent).toBe(8);
    const onPlace = (fragment: string) =>
      Object.entries(measured.writesByPlace)
        .filter(([place]) => place.endsWith(fragment))
        .reduce((sum, [, units]) => sum + units, 0);
    // Claim, tracking lookup, finish; the daily-cap lease is a fraction.
    expect(onPlace('CampaignTable')).toBeLessThanOrEqual(4.4);
    // Only leaving the index costs an index write: a claim changes nothing it projects.
    expect(onPlace('CampaignTable/byWorkKeys')).toBeLessThanOrEqual(1.05);
  }, 60_000);
});
