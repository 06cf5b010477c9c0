/**
 * Campaigns in the campaign table (layout: domain/campaign-keys.ts): their definitions, lifecycle
 * state and place in the work index, which is how senders find running campaigns and the
 * scheduler finds due ones.
 */
import {
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  campaignDefinition,
  type CampaignDefinition,
  type CampaignDefinitionInput,
} from '../domain/campaign-definition';
import { campaignKeys, campaignTableKeys } from '../domain/campaign-keys';
import {
  campaignState,
  transition,
  type CampaignAction,
  type CampaignState,
  type TransitionResult,
} from '../domain/campaign-state';
import { eachPage, isConditionFailure, queryAll, UpdateExpressionBuilder } from '../../shared/dynamo';

export interface StoredCampaign {
  campaignId: string;
  definition: CampaignDefinition;
  state: CampaignState;
  version: number;
  /** When the state last changed (absent on a campaign never transitioned since it was created). */
  stateChangedAt?: string;
}

const { workPartitionKey, workSortKey } = campaignTableKeys;

export class CampaignRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Stores a new campaign (its definition validated and defaulted); `exists` when the id is taken. */
  async createCampaign(input: {
    campaignId: string;
    definition: CampaignDefinitionInput;
    state?: CampaignState;
    at: string;
  }): Promise<{ kind: 'created' | 'exists' }> {
    const state = input.state ?? { status: 'draft' };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...campaignKeys.campaign(input.campaignId),
            entity: 'campaign',
            campaignId: input.campaignId,
            definition: campaignDefinition.parse(input.definition),
            state,
            version: 1,
            createdAt: input.at,
            ...workAttributes(input.campaignId, state),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { kind: 'created' };
    } catch (error) {
      if (isConditionFailure(error)) return { kind: 'exists' };
      throw error;
    }
  }

  async getCampaign(campaignId: string): Promise<StoredCampaign | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: campaignKeys.campaign(campaignId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return {
      campaignId,
      definition: campaignDefinition.parse(Item.definition),
      state: campaignState.parse(Item.state),
      version: Item.version as number,
      ...(typeof Item.stateChangedAt === 'string' ? { stateChangedAt: Item.stateChangedAt } : {}),
    };
  }

  /**
   * Applies a lifecycle action through the domain's `transition`, conditional on the version read:
   * `conflict` when someone else changed the campaign in between (read again and decide again).
   */
  async transitionCampaign(
    campaignId: string,
    action: CampaignAction,
    at: string,
  ): Promise<TransitionResult | { kind: 'not-found' } | { kind: 'conflict' }> {
    const stored = await this.getCampaign(campaignId);
    if (!stored) return { kind: 'not-found' };
    const result = transition(stored.state, action);
    if (result.kind !== 'transitioned') return result;
    const update = new UpdateExpressionBuilder();
    const { name: version } = update.set('version', stored.version + 1);
    update.set('state', result.state);
    update.set('stateChangedAt', at);
    const work = workAttributes(campaignId, result.state);
    if (work[workPartitionKey])
      for (const attribute of [workPartitionKey, workSortKey]) update.set(attribute, work[attribute]);
    else for (const attribute of [workPartitionKey, workSortKey]) update.remove(attribute);
    update.when(`${version} = ${update.value(stored.version)}`);
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: campaignKeys.campaign(campaignId),
          ...update.input(),
        }),
      );
      return result;
    } catch (error) {
      if (isConditionFailure(error)) return { kind: 'conflict' };
      throw error;
    }
  }

  /** Ids of the campaigns in `running`, from the work index (it may lag a write by a moment). */
  async runningCampaignIds(): Promise<string[]> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
      IndexName: campaignTableKeys.workIndex,
      KeyConditionExpression: '#workPk = :running',
      ExpressionAttributeNames: { '#workPk': workPartitionKey },
      ExpressionAttributeValues: { ':running': campaignKeys.runningWork },
    });
    return items.map((item) => item.campaignId as string);
  }

  /** Scheduled campaigns whose start time has come (`startAt` ≤ `now`), from the work index. */
  async dueScheduledCampaignIds(now: Date): Promise<string[]> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
      IndexName: campaignTableKeys.workIndex,
      KeyConditionExpression: '#workPk = :scheduled AND #workSk <= :due',
      ExpressionAttributeNames: { '#workPk': workPartitionKey, '#workSk': workSortKey },
      // `#` sorts after every character of an ISO time, `~` after `#`: every id at or before now.
      ExpressionAttributeValues: {
        ':scheduled': campaignKeys.scheduledWork,
        ':due': `${now.toISOString()}~`,
      },
    });
    return items.map((item) => item.campaignId as string);
  }

  /**
   * Every campaign, newest first: a scan filtered to campaign items, for the operator's list
   * (it reads the recipients' items too, so it costs a pass over the table).
   */
  async listCampaigns(): Promise<Array<StoredCampaign & { createdAt: string }>> {
    const items: Record<string, unknown>[] = [];
    for await (const page of eachPage((startKey) =>
      this.documents.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'entity = :campaign',
          ExpressionAttributeValues: { ':campaign': 'campaign' },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    ))
      items.push(...(page.Items ?? []));
    return items
      .map((item) => ({
        campaignId: item.campaignId as string,
        definition: campaignDefinition.parse(item.definition),
        state: campaignState.parse(item.state),
        version: item.version as number,
        createdAt: (item.createdAt as string | undefined) ?? '',
      }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}

/** A running campaign is in the work index for the senders; a scheduled one, by its start time. */
function workAttributes(campaignId: string, state: CampaignState): Record<string, string> {
  if (state.status === 'running')
    return { [workPartitionKey]: campaignKeys.runningWork, [workSortKey]: campaignId };
  if (state.status === 'scheduled')
    return {
      [workPartitionKey]: campaignKeys.scheduledWork,
      [workSortKey]: `${new Date(state.startAt).toISOString()}#${campaignId}`,
    };
  return {};
}
