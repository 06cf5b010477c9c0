import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { crmKeys } from '../domain/crm-keys';
import type { DeliveryOutcome } from '../domain/activity-signals';
import {
  applyDeliveryOutcome,
  consecutiveFailures,
  defaultBounceThreshold,
  emptyDeliveryHealth,
  type DeliveryHealth,
  type DeliveryResult,
} from '../domain/delivery-health';
import { ConcurrentUpdateError } from '../errors';
import { isConditionFailure } from '../../shared/dynamo';
import { defaultMaxAttempts, readItem, type CrmTableAccess, type OptimisticWriteOptions } from './crm-table';
import { SuppressionRepository } from './suppression-repository';

export interface DeliveryRecordResult extends DeliveryResult {
  /** The number is suppressed as bouncing after this outcome. */
  suppressed: boolean;
  /** The failure said the number cannot receive SMS: suppressed at once as `bounce-hard`. */
  hardBounce: boolean;
}

export interface DeliveryHealthRepositoryOptions extends OptimisticWriteOptions {
  /** Consecutive failed deliveries that suppress a number. @default 3 */
  bounceThreshold?: number;
}

/**
 * Each recipient's recent delivery outcomes in the CRM table, and the bounce rules on them: a
 * failure whose error says the number cannot receive SMS suppresses it at once (`bounce-hard`,
 * lifted only by an operator); a number that keeps failing otherwise is suppressed (`bounce`),
 * and a later delivery lifts that suppression.
 */
export class DeliveryHealthRepository {
  private readonly table: CrmTableAccess;
  private readonly suppressions: SuppressionRepository;
  private readonly bounceThreshold: number;
  private readonly maxAttempts: number;

  constructor(
    documentClient: DynamoDBDocumentClient,
    tableName: string,
    options: DeliveryHealthRepositoryOptions = {},
  ) {
    this.table = { documentClient, tableName };
    this.suppressions = new SuppressionRepository(documentClient, tableName);
    this.bounceThreshold = options.bounceThreshold ?? defaultBounceThreshold;
    this.maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
  }

  /**
   * Counts a delivery outcome for a recipient; at `bounceThreshold` consecutive failures the number
   * is suppressed (`bounce`), and a later delivery lifts that suppression again.
   */
  async recordDeliveryOutcome(outcome: DeliveryOutcome): Promise<DeliveryRecordResult> {
    const key = crmKeys.deliveryHealth(outcome.phoneNumber);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const stored = await readItem(this.table, key);
      const health: DeliveryHealth = stored
        ? {
            failures: (stored.failures as DeliveryHealth['failures']) ?? [],
            ...(stored.lastDeliveredAt ? { lastDeliveredAt: stored.lastDeliveredAt as string } : {}),
          }
        : emptyDeliveryHealth;
      const result = applyDeliveryOutcome(health, outcome, this.bounceThreshold);
      if (result.changed) {
        const version = (stored?.version as number | undefined) ?? 0;
        try {
          await this.table.documentClient.send(
            new PutCommand({
              TableName: this.table.tableName,
              Item: {
                ...key,
                entity: 'delivery-health',
                phoneNumber: outcome.phoneNumber,
                ...result.health,
                consecutiveFailures: result.consecutiveFailures,
                version: version + 1,
              },
              ConditionExpression: stored ? '#version = :version' : 'attribute_not_exists(pk)',
              ...(stored
                ? {
                    ExpressionAttributeNames: { '#version': 'version' },
                    ExpressionAttributeValues: { ':version': version },
                  }
                : {}),
            }),
          );
        } catch (error) {
          if (isConditionFailure(error)) continue;
          throw error;
        }
      }
      const hardBounce = outcome.outcome === 'failed' && outcome.failureKind === 'hard';
      if (hardBounce) {
        // Keyed by the failed message, so a redelivered event re-asserts the same suppression.
        await this.suppressions.addSuppression({
          phoneNumber: outcome.phoneNumber,
          reason: 'bounce-hard',
          at: outcome.at,
          reference: outcome.messageId,
        });
      }
      if (result.bouncing) {
        // Keyed by the latest failure, so a redelivered event re-asserts the same suppression.
        const latest = result.health.failures[result.health.failures.length - 1]!;
        await this.suppressions.addSuppression({
          phoneNumber: outcome.phoneNumber,
          reason: 'bounce',
          at: latest.at,
          reference: latest.messageId,
        });
      } else if (
        outcome.outcome === 'delivered' &&
        result.changed &&
        consecutiveFailures(health) >= this.bounceThreshold
      ) {
        await this.suppressions.removeSuppression({
          phoneNumber: outcome.phoneNumber,
          reason: 'bounce',
          at: outcome.at,
          reference: outcome.messageId,
        });
      }
      return { ...result, suppressed: result.bouncing || hardBounce, hardBounce };
    }
    throw new ConcurrentUpdateError(`delivery health of a recipient`, this.maxAttempts);
  }
}
