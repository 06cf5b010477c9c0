import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { crmKeys, crmTableKeys, type ItemKey } from '../domain/crm-keys';
import type { Directory, DirectoryPhoneNumber, DirectoryUser } from '../domain/directory';
import { queryAll } from '../../shared/dynamo';
import { writeItems, type CrmTableAccess } from './crm-table';

export interface DirectoryRepositoryOptions {
  /** How long a read directory is reused before it is read again. @default 60 000 ms */
  cacheMs?: number;
  now?: () => number;
}

/**
 * The workspace directory in the CRM table: one item per user and per workspace number, in one
 * partition (a workspace has tens of users, not millions), so the whole directory is one query.
 * Reads are cached per instance: a processor names thousands of activities from one read.
 */
export class DirectoryRepository {
  private readonly table: CrmTableAccess;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private cached: { at: number; directory: Promise<Directory> } | undefined;

  constructor(
    documentClient: DynamoDBDocumentClient,
    tableName: string,
    options: DirectoryRepositoryOptions = {},
  ) {
    this.table = { documentClient, tableName };
    this.cacheMs = options.cacheMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Stores the directory as OpenPhone lists it now: every user and number written, and those no
   * longer listed removed (a user who left the workspace).
   */
  async replaceDirectory(
    directory: Directory,
    syncedAt: string,
  ): Promise<{ users: number; phoneNumbers: number }> {
    const stored = await this.readItems();
    const puts: Record<string, unknown>[] = [
      ...directory.users.map((user) => ({
        ...crmKeys.directoryUser(user.userId),
        entity: 'user',
        ...user,
        syncedAt,
      })),
      ...directory.phoneNumbers.map((line) => ({
        ...crmKeys.directoryPhoneNumber(line.phoneNumberId),
        entity: 'phone-number',
        ...line,
        syncedAt,
      })),
    ];
    const kept = new Set(puts.map((item) => `${item.sk as string}`));
    const deletes: ItemKey[] = stored
      .filter((item) => !kept.has(item.sk as string))
      .map((item) => ({ pk: item.pk as string, sk: item.sk as string }));
    await writeItems(this.table, [
      ...puts.map((put) => ({ put })),
      ...deletes.map((key) => ({ delete: key })),
    ]);
    this.cached = undefined;
    return { users: directory.users.length, phoneNumbers: directory.phoneNumbers.length };
  }

  /** The directory, read at most once per `cacheMs`; empty until an import or sync has stored one. */
  directory(): Promise<Directory> {
    const now = this.now();
    if (!this.cached || now - this.cached.at >= this.cacheMs) {
      const read = this.readDirectory();
      // A failed read is not kept: the next call tries again.
      read.catch(() => (this.cached = undefined));
      this.cached = { at: now, directory: read };
    }
    return this.cached.directory;
  }

  /** The workspace's users, by name, with the numbers each holds (read now, not cached). */
  async listUsers(): Promise<DirectoryUser[]> {
    return (await this.readDirectory()).users;
  }

  /** The whole directory partition, strongly consistent. */
  private readItems(): Promise<Record<string, unknown>[]> {
    return queryAll(this.table.documentClient, {
      TableName: this.table.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': crmTableKeys.partitionKey },
      ExpressionAttributeValues: { ':pk': crmKeys.directoryPartition },
      ConsistentRead: true,
    });
  }

  private async readDirectory(): Promise<Directory> {
    const items = await this.readItems();
    const users: DirectoryUser[] = [];
    const phoneNumbers: DirectoryPhoneNumber[] = [];
    for (const { pk: _pk, sk, entity: _entity, syncedAt: _syncedAt, ...fields } of items) {
      if ((sk as string).startsWith(crmKeys.directoryUserPrefix))
        users.push(fields as unknown as DirectoryUser);
      else if ((sk as string).startsWith(crmKeys.directoryPhoneNumberPrefix))
        phoneNumbers.push(fields as unknown as DirectoryPhoneNumber);
    }
    users.sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
    return { users, phoneNumbers };
  }
}
