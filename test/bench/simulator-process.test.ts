import { startRateLimitSimulator } from '../../bench/rate-limit';
import { startSimulatorProcess } from '../../bench/simulator-process';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the bench's simulator process", () => {
  it('keeps answering after its ready line, though the bench reads nothing more from it', async () => {
    const simulator = await startRateLimitSimulator();
    try {
      await wait(1500); // the child has printed all it prints at start by now
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${simulator.url}/v1/phone-numbers`, {
          headers: { Authorization: simulator.apiKey },
        });
        expect(response.status).toBe(200);
      }
    } finally {
      simulator.stop();
    }
  });

  it('answers late by the latency asked, from the number it names, and counts what it answered', async () => {
    const simulator = await startSimulatorProcess({
      seed: 5,
      apiKey: 'k',
      latencyMs: 200,
      workspace: {
        phoneNumbers: 2,
        conversationsPerNumber: 1,
        messagesPerConversation: 1,
        callsPerConversation: 0,
      },
    });
    try {
      const started = Date.now();
      const response = await fetch(`${simulator.url}/v1/phone-numbers`, { headers: { Authorization: 'k' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      const { data } = (await response.json()) as { data: { id: string }[] };
      expect(data.map((n) => n.id)).toContain(simulator.sendingNumberId);
      expect((await simulator.stats()).totalRequests).toBeGreaterThanOrEqual(1);
    } finally {
      simulator.stop();
    }
  });
});
