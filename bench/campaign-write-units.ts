// Capacity units per campaign message, measured: the real sender sends a small campaign to the
// simulated OpenPhone (in process) against DynamoDB Local with the template's tables, every request
// asking for its ConsumedCapacity (INDEXES). The cost section prices these instead of assuming them.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { campaignRepositories } from '../lambdas/campaigns';
import { createCampaignSender } from '../lambdas/campaigns/service';
import { SuppressionRepository } from '../lambdas/crm';
import { OpenPhoneClient, SharedTokenBucket } from '../lambdas/openphone';
import type { CfnTemplate } from '../local/cfn-tables';
import { startOpenPhoneSimulator } from '../local/openphone-simulator';
import { runningBenchCampaign } from './campaign';
import type { MeasuredCampaignUnits } from './cost';
import type { BenchRow } from './report';
import { CapacityMeter, meteredTables } from './capacity-meter';

const apiKey = 'bench-campaign-units-key';

/** Units per sent message by table (logical names), writes and reads apart. */
export interface MeasuredCampaignUnitsByPlace extends MeasuredCampaignUnits {
  writesByPlace: Record<string, number>;
  readsByPlace: Record<string, number>;
  sent: number;
}

/**
 * Sends one campaign of `recipients` (two variants, inside quiet hours, cap lifted) with one sender
 * run, and divides what every request of the run consumed by the messages sent. Setting the campaign
 * up (the CLI's or the console's writes) is not counted; the delivery webhooks each send brings back
 * are the webhook measurement's.
 */
export async function measureCampaignUnits(
  endpoint: string,
  template: CfnTemplate,
  recipients = Number(process.env.WU_CAMPAIGN_RECIPIENTS ?? 40),
): Promise<MeasuredCampaignUnitsByPlace> {
  const { writes, reads, client, documents, table, logicalName } = await meteredTables(
    endpoint,
    template,
    'cu',
  );
  const simulator = await startOpenPhoneSimulator({
    port: 0,
    seed: 7,
    apiKey,
    workspace: {
      phoneNumbers: 1,
      conversationsPerNumber: 1,
      messagesPerConversation: 1,
      callsPerConversation: 0,
    },
  });
  try {
    const repositories = campaignRepositories(documents, table('CampaignTable'));
    const campaignId = `units-${Date.now()}`;
    await repositories.campaigns.createCampaign(
      runningBenchCampaign(campaignId, simulator.workspace.phoneNumbers[0]!.id, recipients),
    );
    // UK numbers, their clock given as the campaign's zone (about noon), as a recipient file may.
    const { timeZone } = runningBenchCampaign(campaignId, '', 0).definition;
    await repositories.recipients.addRecipients(
      campaignId,
      Array.from({ length: recipients }, (_, i) => ({
        phone: `+4477009${String(i).padStart(5, '0')}`,
        fields: { firstName: `Guest${i}`, timeZone },
      })),
    );
    writes.reset();
    reads.reset();

    const suppressions = new SuppressionRepository(documents, table('CrmTable'));
    const sender = createCampaignSender({
      ...repositories,
      isSuppressed: (phone) => suppressions.isSuppressed(phone),
      openPhone: new OpenPhoneClient({
        apiKey,
        baseUrl: simulator.url,
        lane: 'campaign',
        rateLimiter: new SharedTokenBucket({ client, tableName: table('RateLimit'), apiKey }),
      }),
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'bench', serviceName: 'bench' }),
    });
    const reports = await sender.sendRunningCampaigns(Date.now() + 120_000);
    const sent = reports.find((r) => r.campaignId === campaignId)?.sent ?? 0;
    if (sent !== recipients) throw new Error(`the units campaign sent ${sent} of ${recipients} messages`);

    const perMessage = (meter: CapacityMeter) =>
      Object.fromEntries([...meter.units].map(([name, units]) => [logicalName(name), units / sent]));
    const writesByPlace = perMessage(writes);
    const readsByPlace = perMessage(reads);
    const onTable = (byPlace: Record<string, number>, fragment: string) =>
      Object.entries(byPlace)
        .filter(([place]) => place.split('/')[0]!.includes(fragment))
        .reduce((sum, [, units]) => sum + units, 0);
    return {
      sent,
      writesByPlace,
      readsByPlace,
      writesPerMessage: {
        campaign: onTable(writesByPlace, 'CampaignTable'),
        rateLimit: onTable(writesByPlace, 'RateLimit'),
        crm: onTable(writesByPlace, 'CrmTable'),
      },
      readsPerMessage: Object.values(readsByPlace).reduce((a, b) => a + b, 0),
    };
  } finally {
    await simulator.stop();
  }
}

/** The measured row: write units per campaign message beside the bare minimum's one write. */
export function campaignUnitRows(measured: MeasuredCampaignUnitsByPlace): BenchRow[] {
  const line = (byPlace: Record<string, number>) =>
    Object.entries(byPlace)
      .map(([place, units]) => `${place} ${units.toFixed(2)}`)
      .join(' · ');
  console.log(
    `Capacity units per campaign message, measured (${measured.sent} sent by one sender run, DynamoDB Local):`,
  );
  console.log(`  writes: ${line(measured.writesByPlace)}`);
  console.log(`  reads:  ${line(measured.readsByPlace)}\n`);
  const { campaign, rateLimit, crm } = measured.writesPerMessage;
  return [
    {
      section: 'cost',
      measure: 'write units per campaign message (sender run)',
      value: campaign + rateLimit + crm,
      baseline: 1,
      unit: 'WCU',
      baselineLabel: 'one write per message',
    },
  ];
}
