import { measureCampaignUnits } from '../../../bench/campaign-write-units';
import { bridgeTemplate } from '../../support/dynamo';

/**
 * What sent campaign messages write, measured as the cost bench measures it: the real sender sends
 * a small campaign to the simulated OpenPhone against DynamoDB Local with the template's tables,
 * every request asking for its ConsumedCapacity. The rate-limit table's share depends on timing (a
 * grant whose last check was slow is moved), so it is the bench's to report.
 */
describe('write units per sent campaign message, on DynamoDB Local', () => {
  it('writes a recipient’s claim, its message lookup and its finish, and one work-index write as it leaves', async () => {
    const recipients = 8;
    const measured = await measureCampaignUnits(process.env.DYNAMODB_ENDPOINT!, bridgeTemplate(), recipients);

    expect(measured.sent).toBe(recipients);
    const unitsOn = (place: string) =>
      (Object.entries(measured.writesByPlace).find(([name]) => name.endsWith(place))?.[1] ?? 0) *
      measured.sent;
    // Per campaign pass besides: the daily-cap lease and its unspent slots given back, the completion.
    expect(unitsOn('CampaignTable')).toBeLessThanOrEqual(3 * recipients + 3);
    // A claim changes nothing the index projects; the campaign leaves it once, on completion.
    expect(unitsOn('CampaignTable/byWorkKeys')).toBeLessThanOrEqual(recipients + 1);
  }, 60_000);
});
