// Capacity units measured on DynamoDB Local: a client that asks every request for its
// ConsumedCapacity (INDEXES: the table and each index apart) over fresh copies of the template's
// tables. The webhook and the campaign-message measurements both stand on it.
import { DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { createTables, tablesFromTemplate, type CfnTemplate } from '../local/cfn-tables';
import { localAwsConfig } from '../local/local-pipeline';

/** Capacity units by table and index (`Table`, `Table/index`), summed over the requests it saw. */
export class CapacityMeter {
  readonly units = new Map<string, number>();

  add(capacity: ConsumedCapacity | ConsumedCapacity[] | undefined): void {
    for (const c of [capacity ?? []].flat()) {
      const table = c.TableName ?? '?';
      const add = (key: string, n: number | undefined) =>
        this.units.set(key, (this.units.get(key) ?? 0) + (n ?? 0));
      add(table, c.Table?.WriteCapacityUnits ?? c.Table?.CapacityUnits ?? 0);
      for (const [index, u] of Object.entries(c.GlobalSecondaryIndexes ?? {}))
        add(`${table}/${index}`, u.WriteCapacityUnits ?? u.CapacityUnits);
    }
  }

  total(): number {
    return [...this.units.values()].reduce((a, b) => a + b, 0);
  }

  reset(): Map<string, number> {
    const seen = new Map(this.units);
    this.units.clear();
    return seen;
  }
}

const writeCommands = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

/** A client that asks every request for its consumed capacity: writes go to `writes`, the rest to `reads`. */
function meteredClient(endpoint: string, writes: CapacityMeter, reads: CapacityMeter): DynamoDBClient {
  const client = new DynamoDBClient(localAwsConfig(endpoint));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
        .ConsumedCapacity;
      if (process.env.BENCH_WRITE_UNITS_TRACE) console.error(context.commandName, JSON.stringify(consumed));
      // Reads report CapacityUnits in the same fields: they go to their own meter.
      if (writeCommands.has(context.commandName ?? '')) writes.add(consumed);
      else reads.add(consumed);
      return result;
    },
    { step: 'initialize', name: 'meterConsumedCapacity' },
  );
  return client;
}

/**
 * The template's tables, created under a fresh `<stem><random>-` prefix, behind one client whose
 * writes go to `writes` and every other request to `reads`; creating the tables is not counted.
 */
export async function meteredTables(endpoint: string, template: CfnTemplate, stem: string) {
  const writes = new CapacityMeter();
  const reads = new CapacityMeter();
  const client = meteredClient(endpoint, writes, reads);
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const prefix = `${stem}${randomBytes(3).toString('hex')}-`;
  const names = await createTables(
    client,
    tablesFromTemplate(template, (id) => `${prefix}${id}`),
  );
  writes.reset();
  reads.reset();
  return {
    writes,
    reads,
    client,
    documents,
    /** The local name of the table whose logical id contains `fragment`. */
    table: (fragment: string) => Object.entries(names).find(([id]) => id.includes(fragment))![1],
    /** A local table or `table/index` name as its logical name, without the prefix and CDK's hash. */
    logicalName: (name: string) => name.slice(prefix.length).replace(/[0-9A-F]{8}(?=\/|$)/, ''),
  };
}
