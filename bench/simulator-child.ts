/**
 * The simulated OpenPhone for benchmarks, in a process of its own (as the real one is on another
 * machine). It prints its address and the workspace's first number id, then answers each `stats`
 * line on stdin with one `stats <json>` line: the request log's counters, for duplicates and request counts.
 *   tsx bench/simulator-child.ts <api key> [<latency ms added to every answer>]
 */
import { createInterface } from 'node:readline';
import { startOpenPhoneSimulator } from '../local/openphone-simulator';

async function main(): Promise<void> {
  const simulator = await startOpenPhoneSimulator({
    port: 0,
    seed: 5,
    apiKey: process.argv[2] ?? 'bench-api-key',
    workspace: {
      phoneNumbers: 2,
      conversationsPerNumber: 1,
      messagesPerConversation: 1,
      callsPerConversation: 0,
    },
  });
  simulator.faults.latencyMs = Number(process.argv[3] ?? 0);
  console.log(`listening on ${simulator.url} number ${simulator.workspace.phoneNumbers[0]!.id}`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === 'stats') console.log(`stats ${JSON.stringify(simulator.requestLog.stats())}`);
  }
  await simulator.stop();
}

void main();
