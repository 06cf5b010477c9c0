import { startOpenPhoneSimulator, type OpenPhoneSimulator } from './openphone-simulator';
import type { TrafficRates } from './openphone-simulator/traffic-rates';

export type OpenPhoneTarget =
  | { kind: 'real'; baseUrl: string; stop(): Promise<void> }
  | {
      kind: 'simulated';
      baseUrl: string;
      apiKey: string;
      simulator: OpenPhoneSimulator;
      stop(): Promise<void>;
    };

export interface OpenPhoneTargetOptions {
  /** Where the simulator posts its webhooks (the local replica's URL). */
  webhookUrl: string;
  /** A key the replica accepts, to sign them with (legacy scheme). */
  signingKey: string;
  /** With a real key, the real API is used and nothing is simulated. */
  apiKey?: string;
  baseUrl?: string;
  /** A simulated inbound message or call every this many ms; 0 for none. */
  inboundEveryMs?: number;
  /** An office's day (traffic.ts) instead of the bare inbound stream. */
  traffic?: TrafficRates;
  /** The simulator's seed. @default 1 */
  seed?: number;
  port?: number;
}

/** The OpenPhone the local replica talks to: the real API when a key is given, else the simulator. */
export async function startOpenPhoneTarget(options: OpenPhoneTargetOptions): Promise<OpenPhoneTarget> {
  if (options.apiKey) {
    return {
      kind: 'real',
      baseUrl: options.baseUrl ?? 'https://api.openphone.com',
      stop: async () => undefined,
    };
  }
  const simulator = await startOpenPhoneSimulator({
    port: options.port ?? 0,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.traffic ? { traffic: options.traffic } : {}),
    webhookTarget: { url: options.webhookUrl, scheme: 'legacy', key: options.signingKey },
    ...(options.inboundEveryMs && !options.traffic
      ? { timing: { inboundEvery: { intervalMs: options.inboundEveryMs, callShare: 0.3 } } }
      : {}),
  });
  return {
    kind: 'simulated',
    baseUrl: simulator.url,
    apiKey: simulator.apiKey,
    simulator,
    stop: () => simulator.stop(),
  };
}
