import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import S3rver from 's3rver';

export interface RunningLocalS3 {
  endpoint: string;
  /** An S3 client for this server (path-style addressing, s3rver's fixed credentials). */
  client(): S3Client;
  stop(): Promise<void>;
}

/** s3rver's built-in account: it checks signatures against these. */
const s3rverCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: s3rverCredentials,
  });
}

/** An S3-compatible server (s3rver) on a free port, storing in a fresh temp folder removed on stop. */
export async function startLocalS3(
  buckets: readonly string[],
  options: { port?: number } = {},
): Promise<RunningLocalS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'openphone-bridge-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory,
    silent: true,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    client: () => localS3Client(endpoint),
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
