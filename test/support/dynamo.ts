import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { createTables, tablesFromTemplate } from '../../local/cfn-tables';
import { readFileSync } from 'node:fs';
import type { CfnTemplate } from '../../local/cfn-tables';

export function localDynamoClient(): DynamoDBClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint)
    throw new Error(
      'DYNAMODB_ENDPOINT is not set: run the tests through jest (global setup starts DynamoDB Local).',
    );
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

export function localDocumentClient(client = localDynamoClient()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

let cachedTemplate: CfnTemplate | undefined;

/** The synthesized stack template (bundling skipped), made once per jest run by the global setup. */
export function bridgeTemplate(): CfnTemplate {
  const templatePath = process.env.BRIDGE_TEMPLATE_PATH;
  if (!templatePath)
    throw new Error(
      'BRIDGE_TEMPLATE_PATH is not set: run the tests through jest (global setup synthesizes the stack).',
    );
  cachedTemplate ??= JSON.parse(readFileSync(templatePath, 'utf8')) as CfnTemplate;
  return cachedTemplate;
}

/**
 * Creates every table of the synthesized stack under fresh names; returns logical id → table name.
 * Find a table's logical id with `tableNamed(names, 'EventsTable')`.
 */
export async function createBridgeTables(client = localDynamoClient()): Promise<Record<string, string>> {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  return createTables(
    client,
    tablesFromTemplate(bridgeTemplate(), (logicalId) => `${prefix}-${logicalId}`),
  );
}

/** The table name whose logical id contains `fragment` (logical ids carry a hash suffix). */
export function tableNamed(names: Record<string, string>, fragment: string): string {
  const matches = Object.entries(names).filter(([logicalId]) => logicalId.includes(fragment));
  if (matches.length !== 1)
    throw new Error(
      `expected one table matching ${fragment}, found ${matches.map(([id]) => id).join(', ') || 'none'}`,
    );
  return matches[0]![1];
}
