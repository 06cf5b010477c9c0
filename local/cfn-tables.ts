import {
  CreateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** The shape of a synthesized template, as far as tables go. */
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

export interface LocalTableDefinition {
  readonly logicalId: string;
  readonly input: CreateTableCommandInput;
  readonly ttlAttribute?: string;
}

type CfnKey = { AttributeName: string; KeyType: 'HASH' | 'RANGE' };
type CfnIndex = {
  IndexName: string;
  KeySchema: CfnKey[];
  Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
};

/**
 * Turns the AWS::DynamoDB::Table (and GlobalTable) resources of a synthesized template into
 * CreateTable inputs, so the local replica and the tests use the deployed schema.
 */
export function tablesFromTemplate(
  template: CfnTemplate,
  nameFor: (logicalId: string) => string,
): LocalTableDefinition[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::DynamoDB::GlobalTable')
    .map(([logicalId, r]) => {
      const p = (r.Properties ?? {}) as {
        KeySchema: CfnKey[];
        AttributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
        GlobalSecondaryIndexes?: CfnIndex[];
        LocalSecondaryIndexes?: CfnIndex[];
        StreamSpecification?: {
          StreamViewType: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
        };
        TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
      };
      const projection = (i: CfnIndex) => ({
        ProjectionType: i.Projection.ProjectionType as 'ALL' | 'KEYS_ONLY' | 'INCLUDE',
        ...(i.Projection.NonKeyAttributes ? { NonKeyAttributes: i.Projection.NonKeyAttributes } : {}),
      });
      const input: CreateTableCommandInput = {
        TableName: nameFor(logicalId),
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: p.KeySchema,
        AttributeDefinitions: p.AttributeDefinitions,
        ...(p.GlobalSecondaryIndexes?.length
          ? {
              GlobalSecondaryIndexes: p.GlobalSecondaryIndexes.map((i) => ({
                IndexName: i.IndexName,
                KeySchema: i.KeySchema,
                Projection: projection(i),
              })),
            }
          : {}),
        ...(p.LocalSecondaryIndexes?.length
          ? {
              LocalSecondaryIndexes: p.LocalSecondaryIndexes.map((i) => ({
                IndexName: i.IndexName,
                KeySchema: i.KeySchema,
                Projection: projection(i),
              })),
            }
          : {}),
        ...(p.StreamSpecification
          ? {
              StreamSpecification: {
                StreamEnabled: true,
                StreamViewType: p.StreamSpecification.StreamViewType,
              },
            }
          : {}),
      };
      const ttl = p.TimeToLiveSpecification?.Enabled ? p.TimeToLiveSpecification.AttributeName : undefined;
      return { logicalId, input, ...(ttl ? { ttlAttribute: ttl } : {}) };
    });
}

/** Creates the tables (ignoring ones that exist) and returns logical id → table name. */
export async function createTables(
  client: DynamoDBClient,
  tables: LocalTableDefinition[],
): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const table of tables) {
    const tableName = table.input.TableName as string;
    try {
      await client.send(new CreateTableCommand(table.input));
      if (table.ttlAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
          }),
        );
      }
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
    }
    names[table.logicalId] = tableName;
  }
  return names;
}
