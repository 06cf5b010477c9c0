/**
 * Runs the simulated OpenPhone API until interrupted:
 *   npx tsx local/openphone-simulator/main.ts --port 4010 --seed 1 [--webhook-url URL --scheme legacy|standard]
 */
import { parseArgs } from 'node:util';
import { startOpenPhoneSimulator } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    seed: { type: 'string', default: '1' },
    'api-key': { type: 'string' },
    'phone-numbers': { type: 'string' },
    conversations: { type: 'string', description: 'conversations per phone number' },
    messages: { type: 'string', description: 'messages per conversation' },
    calls: { type: 'string', description: 'calls per conversation' },
    contacts: { type: 'string' },
    'webhook-url': { type: 'string' },
    'webhook-key': { type: 'string' },
    scheme: { type: 'string', default: 'legacy' },
    'inbound-every-ms': { type: 'string' },
    'retry-after': { type: 'boolean', default: false },
  },
  strict: true,
});

const integer = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number, got ${text}`);
    process.exit(2);
  }
  return value;
};

async function main(): Promise<void> {
  const scheme = values.scheme;
  if (scheme !== 'legacy' && scheme !== 'standard') {
    console.error(`--scheme must be legacy or standard, got ${scheme}`);
    process.exit(2);
  }
  const size = Object.fromEntries(
    Object.entries({
      phoneNumbers: integer('phone-numbers', values['phone-numbers']),
      conversationsPerNumber: integer('conversations', values.conversations),
      messagesPerConversation: integer('messages', values.messages),
      callsPerConversation: integer('calls', values.calls),
      contacts: integer('contacts', values.contacts),
    }).filter(([, v]) => v !== undefined),
  );
  const inboundEvery = integer('inbound-every-ms', values['inbound-every-ms']);
  const simulator = await startOpenPhoneSimulator({
    port: integer('port', values.port) ?? 4010,
    seed: integer('seed', values.seed) ?? 1,
    ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
    workspace: size,
    rateLimit: { retryAfter: values['retry-after'] },
    ...(values['webhook-url']
      ? {
          webhookTarget: {
            url: values['webhook-url'],
            scheme,
            ...(values['webhook-key'] ? { key: values['webhook-key'] } : {}),
          },
        }
      : {}),
    ...(inboundEvery ? { timing: { inboundEvery: { intervalMs: inboundEvery } } } : {}),
  });
  const counts = simulator.workspace.counts();
  console.log(`OpenPhone simulator listening on ${simulator.url}`);
  console.log(`API key (send as "Authorization: <key>"): ${simulator.apiKey}`);
  console.log(
    `workspace: ${simulator.workspace.phoneNumbers.length} numbers, ${counts.conversations} conversations, ${counts.messages} messages, ${counts.calls} calls, ${counts.contacts} contacts`,
  );
  for (const p of simulator.workspace.phoneNumbers) console.log(`  ${p.id} ${p.number} (${p.name})`);
  if (simulator.webhooks.target) {
    console.log(
      `webhooks → ${simulator.webhooks.target.url} (${simulator.webhooks.target.scheme}), key: ${simulator.webhooks.target.key}`,
    );
  }
  const shutdown = () => {
    void simulator.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main();
