import { spawn } from 'node:child_process';
import type { SimulatorStats, WorkspaceSize } from '../local/openphone-simulator';

/**
 * The simulated OpenPhone in a process of its own, as the real one is on another machine (its
 * JSON work and rate limiting then take no time from the process measured). Its address and its
 * request log's stats come back over the IPC channel; its stdout is the bench's own, so nothing it
 * prints can meet a closed pipe (EPIPE) once the bench has what it needs.
 */

export interface SimulatorProcessOptions {
  seed: number;
  apiKey: string;
  workspace: Partial<WorkspaceSize>;
  /** Added by the simulator to every answer: the round trip to OpenPhone a Lambda would see. */
  latencyMs?: number;
}

export interface SimulatorProcess {
  url: string;
  apiKey: string;
  /** The workspace's first phone number, to send from. */
  sendingNumberId: string;
  stats(): Promise<SimulatorStats>;
  stop(): void;
}

type ChildMessage = { url: string; sendingNumberId: string } | { stats: SimulatorStats } | { error: string };

export async function startSimulatorProcess(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_SIMULATOR: JSON.stringify(options) },
  });
  const next = () =>
    new Promise<ChildMessage>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the simulator exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message as ChildMessage);
      });
    });
  const ready = await next();
  if (!('url' in ready)) throw new Error(`the simulator did not start: ${JSON.stringify(ready)}`);
  return {
    url: ready.url,
    sendingNumberId: ready.sendingNumberId,
    apiKey: options.apiKey,
    stats: async () => {
      const answer = next();
      child.send('stats');
      const message = await answer;
      if (!('stats' in message)) throw new Error(`no stats from the simulator: ${JSON.stringify(message)}`);
      return message.stats;
    },
    stop: () => void child.kill(),
  };
}

async function childMain(options: SimulatorProcessOptions): Promise<void> {
  const { startOpenPhoneSimulator } = await import('../local/openphone-simulator');
  const simulator = await startOpenPhoneSimulator({
    seed: options.seed,
    apiKey: options.apiKey,
    workspace: options.workspace,
  });
  simulator.faults.latencyMs = options.latencyMs ?? 0;
  process.on('message', () => process.send!({ stats: simulator.requestLog.stats() }));
  process.on('disconnect', () => void simulator.stop().then(() => process.exit(0)));
  process.send!({ url: simulator.url, sendingNumberId: simulator.workspace.phoneNumbers[0]!.id });
}

if (require.main === module && process.env.BENCH_SIMULATOR) {
  childMain(JSON.parse(process.env.BENCH_SIMULATOR) as SimulatorProcessOptions).catch((error: Error) => {
    process.send?.({ error: error.message });
    process.exit(1);
  });
}
