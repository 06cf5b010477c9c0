// The `openphone` and `webhooks` commands: the API connection, both webhook systems' webhooks and
// the ingest's signing keys, and the migration from the legacy system to Quo's.
import type { Command } from 'commander';
import { checkOpenPhone } from './commands/openphone-check';
import {
  createQuoWebhook,
  listQuoDeliveries,
  retryQuoDelivery,
  rotateQuoWebhookKey,
  sendQuoTestEvent,
  type CreateQuoWebhookOptions,
} from './commands/quo-webhooks';
import { deleteWebhook, listWebhooks, registerWebhooks } from './commands/webhooks';
import { migrateWebhooks, type MigrateWebhooksOptions } from './commands/webhooks-migrate';
import { positiveLimit, positiveSeconds } from './option-values';
import type { Output } from './output';
import type { Target } from './target';

export function addWebhookCommands(program: Command, target: () => Promise<Target>, out: Output): void {
  const openPhone = program.command('openphone').description('the OpenPhone API connection');
  openPhone
    .command('check')
    .description('check the connection and the API key: list phone numbers (masked)')
    .action(async () => checkOpenPhone(await target(), out));

  const webhooks = program
    .command('webhooks')
    .description("OpenPhone webhooks and the ingest's signing keys");
  webhooks
    .command('register')
    .description('create one OpenPhone webhook per family and store their signing keys')
    .requiredOption('--url <webhookUrl>', 'the webhook URL (the stack output WebhookUrl, or a tunnel)')
    .option('--label <label>', 'label of the webhooks in OpenPhone', 'openphone-bridge')
    .option('--resource-ids <ids...>', 'only these phone numbers (PN…); default: all')
    .action(async (options: { url: string; label: string; resourceIds?: string[] }) =>
      registerWebhooks(await target(), out, options),
    );
  webhooks
    .command('list')
    .description("list both systems' webhooks (legacy, and Quo's new ones), and whether each key is stored")
    .action(async () => listWebhooks(await target(), out));
  webhooks
    .command('delete')
    .description('delete a webhook: a legacy one (WH…) with its key from the store, or a Quo one (digits)')
    .argument('<webhookId>', 'the webhook id (WH… or digits)')
    .action(async (webhookId: string) => deleteWebhook(await target(), out, webhookId));
  webhooks
    .command('create')
    .description("create one of Quo's new webhooks (pinned payload version) and store its signing key")
    .requiredOption('--url <webhookUrl>', 'the webhook URL (the stack output WebhookUrl, or a tunnel)')
    .option('--events <types...>', "event types; default: Quo's whole catalogue")
    .option('--resource-ids <ids...>', 'message and call events of these numbers only (PN…); default: all')
    .option('--label <label>', 'label of the webhook in Quo', 'openphone-bridge')
    .option('--disabled', 'create it disabled: the key and test events, no traffic yet')
    .action(async (options: CreateQuoWebhookOptions) => createQuoWebhook(await target(), out, options));
  webhooks
    .command('rotate')
    .description("rotate a Quo webhook's signing key and store the new key beside the old")
    .argument('<webhookId>', 'the Quo webhook id (digits)')
    .action(async (webhookId: string) => rotateQuoWebhookKey(await target(), out, webhookId));
  webhooks
    .command('test')
    .description('send a signed test event to a Quo webhook (enabled or not)')
    .argument('<webhookId>', 'the Quo webhook id (digits)')
    .option('--event <type>', 'the event type of the sample', 'message.received')
    .action(async (webhookId: string, options: { event: string }) =>
      sendQuoTestEvent(await target(), out, webhookId, options.event),
    );
  webhooks
    .command('deliveries')
    .description("a Quo webhook's deliveries, newest first, and how each was answered")
    .argument('<webhookId>', 'the Quo webhook id (digits)')
    .option('--limit <n>', 'how many (at most 50)', positiveLimit, 20)
    .option('--after <deliveryId>', 'the page after this delivery')
    .action(async (webhookId: string, options: { limit: number; after?: string }) =>
      listQuoDeliveries(await target(), out, webhookId, options),
    );
  webhooks
    .command('retry')
    .description('deliver one delivery of a Quo webhook again')
    .argument('<webhookId>', 'the Quo webhook id (digits)')
    .argument('<deliveryId>', 'the delivery id (msg_…), from `webhooks deliveries`')
    .action(async (webhookId: string, deliveryId: string) =>
      retryQuoDelivery(await target(), out, webhookId, deliveryId),
    );
  webhooks
    .command('migrate')
    .description(
      "move the legacy webhooks of a URL to one of Quo's new webhooks, with no gap and no double effect",
    )
    .requiredOption('--url <webhookUrl>', "the bridge's webhook URL the legacy webhooks post to")
    .option('--events <types...>', "event types of the new webhook; default: Quo's whole catalogue")
    .option('--test-event <type>', 'the type of the test event', 'message.received')
    .option(
      '--overlap-seconds <n>',
      'how long both systems deliver before the legacy webhooks go',
      positiveSeconds,
      300,
    )
    .option(
      '--confirm-seconds <n>',
      'how long to wait for the bridge to record the test event',
      positiveSeconds,
      60,
    )
    .option('--dry-run', 'print the plan and change nothing')
    .action(async (options: MigrateWebhooksOptions) => migrateWebhooks(await target(), out, options));
}
