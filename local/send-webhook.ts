// `npm run webhook:send -- --url <webhook url> --key <signing key> [--type message.received] [--scheme legacy|standard]`
// Signs a sample OpenPhone event the way OpenPhone does and posts it: for trying the local replica or a deployment.
import { Command, Option } from 'commander';
import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { familyByEventType } from '../lambdas/events/domain/event-types';

function sampleObject(type: string): Record<string, unknown> {
  const id = `AC${randomBytes(12).toString('hex')}`;
  const now = new Date().toISOString();
  if (type.startsWith('message.')) {
    return {
      id,
      object: 'message',
      from: '+15555550123',
      to: ['+15555550100'],
      direction: 'incoming',
      text: 'Hi, is Tuesday still good?',
      status: type === 'message.delivered' ? 'delivered' : 'received',
      createdAt: now,
      phoneNumberId: 'PNlocal0001',
      conversationId: 'CNlocal0001',
      userId: 'USlocal0001',
      media: [],
    };
  }
  if (type.startsWith('call.summary'))
    return {
      callId: id,
      object: 'callSummary',
      summary: ['Customer asked for a quote.'],
      nextSteps: ['Send the quote.'],
      status: 'completed',
    };
  if (type.startsWith('call.transcript'))
    return {
      callId: id,
      object: 'callTranscript',
      dialogue: [{ start: 0, end: 2, content: 'Hello', identifier: '+15555550123', userId: null }],
      duration: 2,
      status: 'completed',
    };
  if (type.startsWith('call.'))
    return {
      id,
      object: 'call',
      from: '+15555550123',
      to: '+15555550100',
      direction: 'incoming',
      status: 'completed',
      createdAt: now,
      answeredAt: now,
      completedAt: now,
      phoneNumberId: 'PNlocal0001',
      conversationId: 'CNlocal0001',
      userId: 'USlocal0001',
      media: [],
      voicemail: null,
    };
  return {
    id: `CT${randomBytes(8).toString('hex')}`,
    object: 'contact',
    firstName: 'Sam',
    lastName: 'Rivera',
    company: 'Rivera Roofing',
    phoneNumbers: [{ name: 'mobile', value: '+15555550123' }],
    emails: [],
    createdAt: now,
    updatedAt: now,
  };
}

async function main(): Promise<void> {
  const options = new Command()
    .description('Send one signed sample OpenPhone webhook')
    .requiredOption('--url <url>', 'webhook URL, e.g. http://127.0.0.1:3000/webhooks/openphone')
    .requiredOption('--key <key>', 'signing key: base64 (legacy) or whsec_… (Standard Webhooks)')
    .addOption(
      new Option('--type <type>', 'event type')
        .choices(Object.keys(familyByEventType))
        .default('message.received'),
    )
    .addOption(
      new Option('--scheme <scheme>', 'signature scheme').choices(['legacy', 'standard']).default('legacy'),
    )
    .parse()
    .opts<{ url: string; key: string; type: string; scheme: 'legacy' | 'standard' }>();
  const body = JSON.stringify({
    id: `EV${randomBytes(12).toString('hex')}`,
    object: 'event',
    apiVersion: 'v3',
    createdAt: new Date().toISOString(),
    type: options.type,
    data: { object: sampleObject(options.type) },
  });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.scheme === 'legacy') {
    const timestamp = Date.now();
    const key = Buffer.from(options.key.replace(/^whsec_/, ''), 'base64');
    headers['openphone-signature'] =
      `hmac;1;${timestamp};${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('base64')}`;
  } else {
    const id = `msg_${randomBytes(12).toString('hex')}`;
    const at = new Date();
    Object.assign(headers, {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(options.key).sign(id, at, body),
    });
  }
  const response = await fetch(options.url, { method: 'POST', headers, body });
  console.log(`${response.status} ${await response.text()}`);
  process.exit(response.ok ? 0 : 1);
}

main().catch((error: Error) => {
  console.error(`could not send: ${error.message}`);
  process.exit(1);
});
