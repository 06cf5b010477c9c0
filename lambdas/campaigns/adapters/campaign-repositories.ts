/** The campaign table's repositories, one per item kind, over one document client. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { campaignReport, variantStatisticsOf, type CampaignReport } from '../domain/report';
import { CampaignRepository } from './campaign-repository';
import { DailyCapRepository } from './daily-cap-repository';
import { RecentSendsRepository } from './recent-sends-repository';
import { RecipientRepository, type RecipientRepositoryOptions } from './recipient-repository';
import { SendTrackingRepository } from './send-tracking-repository';
import { VariantStatisticsRepository } from './variant-statistics-repository';

export interface CampaignRepositories {
  readonly campaigns: CampaignRepository;
  readonly recipients: RecipientRepository;
  readonly sendTracking: SendTrackingRepository;
  readonly dailyCaps: DailyCapRepository;
  readonly statistics: VariantStatisticsRepository;
  readonly recentSends: RecentSendsRepository;
}

export function campaignRepositories(
  documents: DynamoDBDocumentClient,
  tableName: string,
  options: RecipientRepositoryOptions = {},
): CampaignRepositories {
  return {
    campaigns: new CampaignRepository(documents, tableName),
    recipients: new RecipientRepository(documents, tableName, options),
    sendTracking: new SendTrackingRepository(documents, tableName),
    dailyCaps: new DailyCapRepository(documents, tableName),
    statistics: new VariantStatisticsRepository(documents, tableName),
    recentSends: new RecentSendsRepository(documents, tableName),
  };
}

/**
 * Everything a status display needs, read consistently: the campaign and its recipients (whose
 * rows the variants' counts are read from), aggregated by the domain's `campaignReport`.
 * Undefined when there is no such campaign.
 */
export async function readCampaignReport(
  repositories: Pick<CampaignRepositories, 'campaigns' | 'recipients'>,
  campaignId: string,
): Promise<CampaignReport | undefined> {
  const campaign = await repositories.campaigns.getCampaign(campaignId);
  if (!campaign) return undefined;
  const recipients = await repositories.recipients.allRecipients(campaignId);
  return campaignReport(campaign, recipients, variantStatisticsOf(recipients));
}
