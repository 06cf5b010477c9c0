import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** Where a running `npm start` says how to reach it; removed when it stops. */
export const localReplicaInfoFile = '.local/replica.json';

/** What the operator CLI needs to reach a running local replica. No key or secret in it. */
export const replicaInfo = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  webhookUrl: z.string(),
  /** Base of the admin API (`/local/admin/...`). */
  adminUrl: z.string(),
  dynamoEndpoint: z.string(),
  region: z.string(),
  tables: z.object({
    events: z.string(),
    rateLimit: z.string(),
    crm: z.string(),
    campaigns: z.string(),
    /** Absent in the description of a replica from before the import commands. */
    imports: z.string().optional(),
  }),
  /** The s3rver standing in for the media bucket; absent in the description of an older replica. */
  mediaStore: z.object({ endpoint: z.string(), bucket: z.string() }).optional(),
  /** The `{"keys": [...]}` file the replica reads its signing keys from. */
  signingKeysFile: z.string(),
  /** The OpenPhone API the replica uses, when it is not api.openphone.com (a simulated OpenPhone). */
  openPhoneBaseUrl: z.string().optional(),
  /** The simulated OpenPhone `npm start` runs when no OPENPHONE_API_KEY is set (its key is not a secret). */
  simulatedOpenPhone: z.object({ baseUrl: z.string(), apiKey: z.string() }).optional(),
  /** The number `messages send` without `--from` sends from (the replica's default). */
  messagesDefaultFrom: z.string().optional(),
  /** The CRM API (`…/v1`) and the file (mode 0600) holding the bearer token it takes: for the console. */
  crmApi: z.object({ url: z.string(), tokenFile: z.string() }).optional(),
});
export type ReplicaInfo = z.infer<typeof replicaInfo>;

/** The local CRM API's bearer token, kept beside replica.json but out of it (readable by its owner only). */
export function writeCrmApiToken(path: string, token: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
}

export function readCrmApiToken(path: string): string {
  return readFileSync(path, 'utf8').trim();
}

export function writeReplicaInfo(path: string, info: ReplicaInfo): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(temporary, path);
}

/** The running replica's info; undefined when no replica has written one. */
export function readReplicaInfo(path: string): ReplicaInfo | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = replicaInfo.safeParse(value);
  if (!parsed.success) throw new Error(`${path} is not a local replica description`);
  return parsed.data;
}

export function removeReplicaInfo(path: string): void {
  rmSync(path, { force: true });
}
