import {
  webhookEventsByFamily,
  type Webhook,
  type WebhookFamily,
  OpenPhoneApiError,
  OpenPhoneOutcomeUnknownError,
} from '../../lambdas/openphone';
import { CommandFailure } from '../errors';
import { webhookUrl } from '../option-values';
import { formatTable, plural, printData, type Output } from '../output';
import type { Target } from '../target';
import { deleteQuoWebhook } from './quo-webhooks';

export interface RegisterWebhooksOptions {
  url: string;
  label?: string;
  /** PN ids; every number of the workspace when absent. */
  resourceIds?: string[];
}

const webhookFamilies = Object.keys(webhookEventsByFamily) as WebhookFamily[];

/**
 * One OpenPhone webhook per family with all its event types, and their signing keys added to where
 * the ingest reads them. Keys of the webhooks created before a failure are stored all the same.
 */
export async function registerWebhooks(
  target: Target,
  out: Output,
  options: RegisterWebhooksOptions,
): Promise<void> {
  const url = webhookUrl(options.url);
  const client = await target.openPhone();
  const created: { family: WebhookFamily; webhook: Webhook }[] = [];
  let failure: unknown;
  for (const family of webhookFamilies) {
    try {
      const webhook = await client.createWebhook(family, {
        url,
        events: [...webhookEventsByFamily[family]],
        label: options.label ?? 'openphone-bridge',
        ...(options.resourceIds?.length ? { resourceIds: options.resourceIds } : {}),
      });
      created.push({ family, webhook });
    } catch (error) {
      failure = error;
      break;
    }
  }
  const { added } =
    created.length > 0 ? await target.signingKeys.add(created.map((c) => c.webhook.key)) : { added: 0 };
  if (created.length > 0) {
    out.line(`Created ${plural(created.length, 'webhook')} for ${url}:`);
    for (const line of formatTable(
      ['family', 'webhook id', 'events'],
      created.map((c) => [c.family, c.webhook.id, c.webhook.events.join(', ')]),
    ))
      out.line(`  ${line}`);
    out.line(
      `Stored ${plural(added, 'new signing key')} in ${target.signingKeys.name}` +
        (added < created.length ? ` (${created.length - added} already there)` : '') +
        '.',
    );
  }
  if (failure) {
    const family = webhookFamilies[created.length];
    const reason = failure instanceof Error ? failure.message.split('\n')[0] : String(failure);
    if (failure instanceof OpenPhoneApiError && failure.status === 401 && created.length === 0) throw failure;
    // OpenPhone may have created it without our learning its key: the operator must look before retrying.
    const mayExist =
      failure instanceof OpenPhoneOutcomeUnknownError
        ? '; it may exist in OpenPhone all the same: check with `webhooks list` and delete it before registering again'
        : '';
    throw new CommandFailure(
      `creating the ${family} webhook failed: ${reason}` +
        (created.length > 0 ? ` (the ${created.length} created before it are kept, their keys stored)` : '') +
        mayExist,
    );
  }
}

/** Both systems' webhooks: the legacy ones (with whether their key is stored) and Quo's new ones. */
export async function listWebhooks(target: Target, out: Output): Promise<void> {
  const client = await target.openPhone();
  const [webhooks, quoWebhooks, storedKeys] = await Promise.all([
    client.listWebhooks(),
    client.quoWebhooks.list(),
    target.signingKeys.keys(),
  ]);
  // Never the signing keys themselves: whether each is stored is what an operator needs.
  const items = [
    ...webhooks.map((w) => ({
      system: 'legacy' as const,
      id: w.id,
      status: w.status,
      url: w.url,
      events: w.events,
      label: w.label ?? null,
      keyStored: storedKeys.includes(w.key) as boolean | null,
    })),
    // Quo never shows a new webhook's key again: whether it is stored cannot be known.
    ...quoWebhooks.map((w) => ({
      system: 'quo' as const,
      id: w.id,
      status: w.status,
      url: w.url,
      events: w.events,
      label: w.label ?? null,
      keyStored: null,
    })),
  ];
  printData(out, { items }, () => {
    if (items.length === 0) {
      out.line('No OpenPhone webhooks.');
      return;
    }
    for (const line of formatTable(
      ['system', 'id', 'status', 'url', 'events', 'label', 'key stored'],
      items.map((w) => [
        w.system,
        w.id,
        w.status,
        w.url,
        w.events.length > 4 ? `${w.events.length} event types` : w.events.join(', '),
        w.label ?? '',
        w.keyStored === null ? '?' : w.keyStored ? 'yes' : 'no',
      ]),
    ))
      out.line(line);
  });
}

/** Deletes an OpenPhone webhook, and its signing key from the store when it is there. */
export async function deleteWebhook(target: Target, out: Output, webhookId: string): Promise<void> {
  if (/^\d+$/.test(webhookId)) return deleteQuoWebhook(target, out, webhookId);
  const client = await target.openPhone();
  let webhook: Webhook;
  try {
    webhook = await client.getWebhook(webhookId);
  } catch (error) {
    if (error instanceof OpenPhoneApiError && error.status === 404)
      throw new CommandFailure(`OpenPhone has no webhook ${webhookId}`);
    throw error;
  }
  await client.deleteWebhook(webhookId);
  const { removed } = await target.signingKeys.remove([webhook.key]);
  out.line(
    `Deleted webhook ${webhookId} (${webhook.url}); ` +
      (removed > 0
        ? `removed its signing key from ${target.signingKeys.name}.`
        : `its signing key was not in ${target.signingKeys.name}.`),
  );
}
