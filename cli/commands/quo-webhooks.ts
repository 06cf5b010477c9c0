import {
  OpenPhoneApiError,
  OpenPhoneOutcomeUnknownError,
  quoApiVersion,
  quoWebhookEventTypes,
  type QuoWebhookEventType,
} from '../../lambdas/openphone';
import { CommandFailure, UsageError } from '../errors';
import { formatTable, plural, printData, type Output } from '../output';
import type { Target } from '../target';
import { webhookUrl } from '../option-values';

/** Quo's new webhooks (one subscription, an events list, Standard Webhooks signatures) beside the legacy ones. */

export function quoEventTypes(values: readonly string[] | undefined): QuoWebhookEventType[] {
  if (!values?.length) return [...quoWebhookEventTypes];
  const unknown = values.filter((v) => !(quoWebhookEventTypes as readonly string[]).includes(v));
  if (unknown.length > 0)
    throw new UsageError(
      `--events: unknown event type ${unknown.join(', ')} (Quo's catalogue: ${quoWebhookEventTypes.join(', ')})`,
    );
  return values as QuoWebhookEventType[];
}

export function quoWebhookIdArgument(id: string): string {
  if (!/^\d+$/.test(id)) throw new UsageError(`a Quo webhook id is digits, not "${id}"`);
  return id;
}

export interface CreateQuoWebhookOptions {
  url: string;
  events?: string[];
  resourceIds?: string[];
  label?: string;
  disabled?: boolean;
}

/** A new-system webhook pinned to the current payload version, its key stored where the ingest reads keys. */
export async function createQuoWebhook(target: Target, out: Output, options: CreateQuoWebhookOptions) {
  const url = webhookUrl(options.url);
  const events = quoEventTypes(options.events);
  const client = await target.openPhone();
  let created;
  try {
    created = await client.quoWebhooks.create({
      url,
      events,
      label: options.label ?? 'openphone-bridge',
      status: options.disabled ? 'disabled' : 'enabled',
      ...(options.resourceIds?.length ? { resourceIds: options.resourceIds } : {}),
    });
  } catch (error) {
    if (error instanceof OpenPhoneOutcomeUnknownError)
      throw new CommandFailure(
        'creating the Quo webhook may have succeeded without our learning its key: check with `webhooks list` and delete it before creating again',
      );
    throw error;
  }
  const { added } = await target.signingKeys.add([created.key]);
  out.line(
    `Created Quo webhook ${created.id} (${created.status}, payload version ${created.apiVersion ?? quoApiVersion}) for ${url} with ${plural(events.length, 'event type')}.`,
  );
  out.line(`Stored its signing key in ${target.signingKeys.name}${added === 0 ? ' (already there)' : ''}.`);
}

/** A new key for a Quo webhook: stored beside the old one, which Quo keeps signing with for a while. */
export async function rotateQuoWebhookKey(target: Target, out: Output, id: string) {
  const client = await target.openPhone();
  let rotated;
  try {
    rotated = await client.quoWebhooks.rotateKey(quoWebhookIdArgument(id));
  } catch (error) {
    if (error instanceof OpenPhoneOutcomeUnknownError)
      throw new CommandFailure(
        `rotating webhook ${id}'s key may have succeeded without our learning the new key: rotate again`,
      );
    throw notFoundAs(error, id);
  }
  await target.signingKeys.add([rotated.key]);
  out.line(
    `Rotated webhook ${id}'s signing key; stored the new key in ${target.signingKeys.name}. ` +
      'The old key stays there too: deliveries signed before the rotation still verify.',
  );
}

export async function sendQuoTestEvent(
  target: Target,
  out: Output,
  id: string,
  eventType = 'message.received',
) {
  const [type] = quoEventTypes([eventType]);
  const sample = await (
    await target.openPhone()
  ).quoWebhooks
    .sendTestEvent(quoWebhookIdArgument(id), type!)
    .catch((error: unknown) => {
      throw notFoundAs(error, id);
    });
  out.line(
    `Sent a signed ${type} test event to webhook ${id}; \`webhooks deliveries ${id}\` shows how it was answered.`,
  );
  printData(out, sample, () => undefined);
}

export async function listQuoDeliveries(
  target: Target,
  out: Output,
  id: string,
  options: { limit?: number; after?: string } = {},
) {
  const page = await (
    await target.openPhone()
  ).quoWebhooks
    .listDeliveries(quoWebhookIdArgument(id), {
      ...(options.limit ? { limit: Math.min(options.limit, 50) } : {}),
      ...(options.after ? { after: options.after } : {}),
    })
    .catch((error: unknown) => {
      throw notFoundAs(error, id);
    });
  printData(out, page, () => {
    if (page.data.length === 0) {
      out.line(`No deliveries for webhook ${id}.`);
      return;
    }
    for (const line of formatTable(
      ['delivery id', 'event type', 'status', 'event id', 'resource id', 'created'],
      page.data.map((d) => [
        d.id,
        d.eventType,
        d.status,
        d.eventId ?? '',
        d.resourceId ?? '',
        d.createdAt ?? '',
      ]),
    ))
      out.line(line);
    if (page.nextCursor) out.line(`More: --after ${page.nextCursor}`);
  });
}

export async function retryQuoDelivery(target: Target, out: Output, id: string, deliveryId: string) {
  await (
    await target.openPhone()
  ).quoWebhooks
    .retryDelivery(quoWebhookIdArgument(id), deliveryId)
    .catch((error: unknown) => {
      throw notFoundAs(error, `${id} or its delivery ${deliveryId}`);
    });
  out.line(`Queued another attempt of delivery ${deliveryId} of webhook ${id}.`);
}

/** Deletes a Quo webhook. Its key cannot be read back from Quo, so it stays in the store. */
export async function deleteQuoWebhook(target: Target, out: Output, id: string) {
  await (await target.openPhone()).quoWebhooks.delete(quoWebhookIdArgument(id)).catch((error: unknown) => {
    throw notFoundAs(error, id);
  });
  out.line(
    `Deleted Quo webhook ${id}. Its signing key stays in ${target.signingKeys.name} (Quo never shows a key again).`,
  );
}

function notFoundAs(error: unknown, what: string): unknown {
  return error instanceof OpenPhoneApiError && error.status === 404
    ? new CommandFailure(`Quo has no webhook ${what}`)
    : error;
}
