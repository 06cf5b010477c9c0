import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalReplica, type LocalReplica } from '../../local/replica';
import { bridgeTemplate } from './dynamo';
import { legacySignatureHeader } from './signers';

/** A fresh state directory for a test replica, and the replica.json the CLI reads from it. */
export function replicaStateDir(prefix: string): { stateDir: string; replicaFile: string } {
  const stateDir = mkdtempSync(join(tmpdir(), prefix));
  return { stateDir, replicaFile: join(stateDir, 'replica.json') };
}

/** A local replica on the tests' DynamoDB Local and a free port, writing replica.json into `stateDir`. */
export function startTestReplica(stateDir: string, log: (line: string) => void): Promise<LocalReplica> {
  return startLocalReplica({
    port: 0,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
    template: bridgeTemplate(),
    log,
    stateDir,
  });
}

/** POSTs a legacy-signed webhook to the replica, signed with its first key. */
export function sendLegacyWebhook(replica: LocalReplica, event: unknown): Promise<Response> {
  const body = JSON.stringify(event);
  const [key] = replica.signingKeys as [string];
  return fetch(replica.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'openphone-signature': legacySignatureHeader(body, key) },
    body,
  });
}

/** A local HTTP server answering every request with `bytes` bytes of JPEG, as OpenPhone's media host would. */
export async function startMediaServer(bytes: number): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'image/jpeg' });
    response.end(Buffer.alloc(bytes, 7));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/media`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Copies everything written to `stream` into `sink` instead of printing it; returns the undo. */
export function captureStream(stream: NodeJS.WriteStream, sink: (chunk: string) => void): () => void {
  const original = stream.write;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    sink(String(chunk));
    (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
    return true;
  }) as typeof stream.write;
  return () => (stream.write = original);
}

/** Calls the replica's CRM API (`/v1…`) with its bearer token; answers the status and the JSON body. */
export function crmApiCaller(replica: LocalReplica) {
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${replica.crmApi.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${replica.crmApi.token}`,
        'content-type': 'application/json',
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
}
