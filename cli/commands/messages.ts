import { randomUUID } from 'node:crypto';
import type { ApiMessage } from '../../lambdas/crm-api';
import { asCommandError } from '../errors';
import { formatTable, maskPhoneNumber, type Output } from '../output';
import type { Target } from '../target';

export interface SendOptions {
  to: string;
  text: string;
  from?: string;
  /** A retry of an earlier `messages send` passes the key it printed; a fresh one otherwise. */
  idempotencyKey?: string;
}

const flags = { to: '--to', text: '--text', from: '--from', 'Idempotency-Key': '--idempotency-key' };

/** With `--json`, one line of JSON (not `printData`'s indented document): scripts read the first line. */
function print(out: Output, message: ApiMessage, key?: string): void {
  if (out.json) {
    out.line(JSON.stringify(key ? { ...message, idempotencyKey: key } : message));
    return;
  }
  const rows = [
    ['id', message.id],
    ['status', message.status],
    ['to', message.to ? maskPhoneNumber(message.to) : `(erased ${message.erasedAt ?? ''})`],
    ['from', message.from ?? ''],
    ['OpenPhone id', message.openPhoneMessageId ?? ''],
    ['created', message.createdAt],
    ['updated', message.updatedAt],
    ...(message.error ? [['error', `${message.error.code}: ${message.error.message}`]] : []),
    ...(key ? [['idempotency key', key]] : []),
  ];
  for (const line of formatTable(['', ''], rows).slice(1)) out.line(line);
}

/** `messages send`: one message, exactly once per idempotency key (generated when not given). */
export async function sendMessage(target: Target, out: Output, options: SendOptions): Promise<void> {
  const key = options.idempotencyKey ?? randomUUID();
  const answer = await target
    .messages()
    .send(key, {
      to: options.to,
      text: options.text,
      ...(options.from ? { from: options.from } : {}),
    })
    .catch((error: unknown) => {
      throw asCommandError(error, { flags });
    });
  if (!out.json) out.line(answer.message.id);
  print(out, answer.message, key);
}

/** `messages show`: a message's status, as the delivery webhooks left it. */
export async function showMessage(
  target: Target,
  out: Output,
  id: string,
  options: { showText?: boolean },
): Promise<void> {
  const message = await target
    .messages()
    .show(id, options.showText ?? false)
    .catch((error: unknown) => {
      throw asCommandError(error, { flags: { id: '<id>' } });
    });
  print(out, message);
  if (options.showText && !out.json)
    out.line(
      message.erasedAt ? `text: (erased ${message.erasedAt})` : `text: ${JSON.stringify(message.text ?? '')}`,
    );
}
