/**
 * One message through the CRM API, exactly once per Idempotency-Key — the campaign sender's
 * approach for a single message:
 *
 * 1. the key's item is read: a finished message is answered as it was; another body is a 422;
 *    a send in flight is waited for; an abandoned claim or an unknown outcome is reconciled.
 * 2. a suppressed number is refused (409) before anything is claimed, so nothing blocks a later
 *    send once the suppression is lifted.
 * 3. a conditional put claims the key; the client takes an interactive-lane token, then the claim
 *    is renewed and suppression read once more just before the request goes out.
 * 4. certainly not sent (no token, refused key, network before sending, an opt-out meanwhile): the
 *    claim is deleted, the key is free again. Maybe sent (timeout, dropped connection, 5xx):
 *    OpenPhone's messages to the number since the claim are searched; not there yet → 503, and a
 *    retry with the same key looks again, sending afresh only once `settleMs` has passed.
 *
 * One file over 400 lines on purpose: the steps share one claim and its timing rules, and every
 * step may hand over to the reconciliation; apart, each would take the whole state as arguments.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ActivityRepository, SuppressionRepository } from '../../crm';
import {
  findSentMessage,
  OpenPhoneApiError,
  OpenPhoneInvalidRequestError,
  OpenPhoneNetworkError,
  OpenPhoneNoCreditsError,
  OpenPhoneOutcomeUnknownError,
  PhoneNumberIds,
  RateLimitWaitExceededError,
  UnknownSendingNumberError,
  type OpenPhoneClient,
} from '../../openphone';
import { maskPhoneNumber } from '../../shared/phone-numbers';
import type { ApiMessageRepository, StoredApiMessage } from '../adapters/api-message-repository';
import {
  apiStatusOf,
  bodyFingerprintOf,
  furtherStatus,
  idempotencyKeyOf,
  messageIdOf,
  retryAfterSeconds,
  sendMessageBody,
  type ApiMessage,
} from '../domain/messages';
import { parseBody, recordId } from '../domain/requests';
import { ApiRequestError } from '../errors';

/** What sending asks of OpenPhone: a client in the `interactive` lane of the shared limiter. */
export type MessagesOpenPhone = Pick<OpenPhoneClient, 'sendMessage' | 'listMessages' | 'listPhoneNumbers'>;

export interface MessageSendingSettings {
  /**
   * A claim untouched, or an unknown outcome unresolved, this long belongs to an attempt that is
   * gone: a retry that does not find its message at OpenPhone then sends it. @default 60 s
   */
  settleMs: number;
  /** How long a request waits for another request with the same key to finish. @default 8 s */
  inFlightWaitMs: number;
  /** @default 100 ms */
  pollMs: number;
}

const defaultMessageSendingSettings: MessageSendingSettings = {
  settleMs: 60_000,
  inFlightWaitMs: 8_000,
  pollMs: 100,
};

export interface MessageSendingDeps {
  messages: Pick<
    ApiMessageRepository,
    'getMessage' | 'claimMessage' | 'touchClaim' | 'takeOver' | 'markUnknownOutcome' | 'finish' | 'release'
  >;
  /** The CRM's suppressions: the same reading the campaign sender and the CLI use. */
  suppressions: Pick<SuppressionRepository, 'suppressionsOf'>;
  /** Delivery webhooks land on the activity with OpenPhone's message id: its status is read there. */
  activities: Pick<ActivityRepository, 'getActivity'>;
  /** The OpenPhone client (the secret is read on first use); throws when there is none. */
  openPhone: () => Promise<MessagesOpenPhone>;
  /** The sending number when a request names none (E.164 or `PN…`); else the workspace's only number. */
  defaultFrom?: string;
  settings?: Partial<MessageSendingSettings>;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** @default () => new Date() */
  now?: () => Date;
  /** @default crypto.randomUUID */
  newClaimToken?: () => string;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

export interface MessageAnswer {
  status: 202;
  message: ApiMessage;
}

/** The last check found a reason not to send: nothing went out. */
class SendWithdrawnError extends Error {
  override readonly name = 'SendWithdrawnError';
  constructor(
    readonly reason: 'suppressed' | 'claim-taken-over',
    readonly suppressedFor: string[] = [],
  ) {
    super(`send withdrawn: ${reason}`);
  }
}

/** One request of several that raced for the same key lost: it starts over and reads the winner's. */
const startOver = Symbol('start over');

export function createMessageSending(deps: MessageSendingDeps) {
  const settings = { ...defaultMessageSendingSettings, ...deps.settings };
  const now = deps.now ?? (() => new Date());
  const newClaimToken = deps.newClaimToken ?? (() => crypto.randomUUID());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { messages, logger } = deps;
  let numbers: { client: MessagesOpenPhone; ids: PhoneNumberIds } | undefined;

  async function openPhone(): Promise<{ client: MessagesOpenPhone; ids: PhoneNumberIds }> {
    const client = await deps.openPhone();
    if (numbers?.client !== client) numbers = { client, ids: new PhoneNumberIds(() => client) };
    return numbers;
  }

  /** POST /v1/messages. */
  async function send(rawKey: string | undefined, rawBody: unknown): Promise<MessageAnswer> {
    const key = idempotencyKeyOf(rawKey);
    const body = parseBody(sendMessageBody, rawBody);
    const messageId = messageIdOf(key);
    const fingerprint = bodyFingerprintOf(body);
    for (let round = 0; round < 4; round++) {
      // Read together: a first request needs both, a repeat only the first.
      const [existing, reasons] = await Promise.all([
        messages.getMessage(messageId),
        activeSuppressions(body.to),
      ]);
      if (existing) {
        const answer = await answerExisting(existing, fingerprint);
        if (answer !== startOver) return answer;
        continue;
      }
      if (reasons.length) throw suppressed(body.to, reasons);
      const token = newClaimToken();
      const at = now().toISOString();
      const from = body.from ?? deps.defaultFrom;
      const claim = {
        messageId,
        bodyFingerprint: fingerprint,
        to: body.to,
        ...(from ? { from } : {}),
        text: body.text,
        claimToken: token,
        claimedAt: at,
        createdAt: at,
      };
      // Nothing is asked of OpenPhone before the claim: requests racing for the key never do.
      if (!(await messages.claimMessage(claim))) continue;
      const answer = await sendUnderClaim(
        { ...claim, state: 'claimed', status: 'accepted', touchedAt: at, updatedAt: at },
        token,
      );
      if (answer !== startOver) return answer;
    }
    throw inUse();
  }

  /** A request with this key came before: its result, or the rest of its work. */
  async function answerExisting(
    existing: StoredApiMessage,
    fingerprint: string,
  ): Promise<MessageAnswer | typeof startOver> {
    if (existing.bodyFingerprint !== fingerprint)
      throw new ApiRequestError(
        422,
        'idempotency_key_reused',
        'this Idempotency-Key was used with another body: use a new key for a new message',
        'Idempotency-Key',
      );
    if (existing.state === 'done') return { status: 202, message: await view(existing, false) };
    const age = now().getTime() - Date.parse(existing.touchedAt);
    if (existing.state === 'claimed' && age < settings.settleMs)
      return waitForOutcome(existing.messageId, fingerprint);
    return reconcile(existing);
  }

  /** Another request is sending this key's message: its outcome, once it has one. */
  async function waitForOutcome(
    messageId: string,
    fingerprint: string,
  ): Promise<MessageAnswer | typeof startOver> {
    const deadline = now().getTime() + settings.inFlightWaitMs;
    // Backing off, so twenty waiting requests do not crowd the one that sends.
    for (let pause = settings.pollMs; now().getTime() < deadline; pause = Math.min(pause * 1.5, 500)) {
      await sleep(pause);
      const current = await messages.getMessage(messageId);
      if (!current) return startOver;
      if (current.state !== 'claimed') return answerExisting(current, fingerprint);
    }
    throw inUse();
  }

  /**
   * An unknown outcome, or a claim whose sender is gone: the message is looked for at OpenPhone;
   * found, it is this key's message. Not found and still recent, OpenPhone may not list it yet (503,
   * retry); not found once settled, the claim is taken over and the message sent.
   */
  async function reconcile(existing: StoredApiMessage): Promise<MessageAnswer | typeof startOver> {
    const { client } = await openPhone();
    const { phoneNumberId } = existing;
    // The sending number is recorded with the last check: without it, the request never went out.
    const lookFor = async () =>
      phoneNumberId
        ? findSentMessage(client, {
            phoneNumberId,
            to: existing.to,
            text: existing.text,
            claimedAt: existing.claimedAt,
          }).catch((error: unknown) => {
            throw openPhoneRefusal(error) ?? error;
          })
        : undefined;
    const waitedMs = now().getTime() - Date.parse(existing.touchedAt);
    if (waitedMs < settings.settleMs) {
      const found = await lookFor();
      if (found) return (await recordFound(existing, existing.claimToken, found)) ?? startOver;
      throw outcomeUnknown(settings.settleMs - waitedMs);
    }
    const token = newClaimToken();
    if (!(await messages.takeOver(existing.messageId, existing.claimToken, token, now().toISOString())))
      return startOver;
    const found = await lookFor();
    if (found) return (await recordFound(existing, token, found)) ?? startOver;
    logger.info('reconciled: not at OpenPhone, sending', {
      messageId: existing.messageId,
      to: maskPhoneNumber(existing.to),
    });
    return sendUnderClaim({ ...existing, claimToken: token }, token);
  }

  async function recordFound(
    message: StoredApiMessage,
    token: string,
    openPhoneMessageId: string,
  ): Promise<MessageAnswer | undefined> {
    const at = now().toISOString();
    const outcome = { status: 'sent' as const, openPhoneMessageId };
    if (!(await messages.finish(message.messageId, token, outcome, at))) return undefined;
    logger.info('reconciled: message found at OpenPhone', {
      messageId: message.messageId,
      to: maskPhoneNumber(message.to),
    });
    return {
      status: 202,
      message: viewOf({ ...message, ...outcome, state: 'done', updatedAt: at }, undefined, false),
    };
  }

  async function sendUnderClaim(
    claimed: StoredApiMessage,
    token: string,
  ): Promise<MessageAnswer | typeof startOver> {
    const { messageId, to } = claimed;
    let message = claimed;
    let checked = false;
    try {
      const { client, ids } = await openPhone();
      const sending = await sendingNumberOf(ids, claimed.from);
      message = { ...claimed, ...sending };
      // The last check, after the request's token and just before it goes out; it records the
      // sending number, so a reconciliation knows where to look.
      const lastCheck = async () => {
        const [touched, reasons] = await Promise.all([
          messages.touchClaim(messageId, token, now().toISOString(), sending),
          activeSuppressions(to),
        ]);
        if (!touched) throw new SendWithdrawnError('claim-taken-over');
        if (reasons.length) throw new SendWithdrawnError('suppressed', reasons);
        checked = true;
      };
      const sent = await client.sendMessage(
        { content: message.text, from: sending.from, to: [to] },
        { beforeSend: lastCheck },
      );
      const at = now().toISOString();
      const outcome = { status: apiStatusOf(sent.status) ?? 'sending', openPhoneMessageId: sent.id };
      if (!(await messages.finish(messageId, token, outcome, at)))
        logger.warn('sent, but the claim had been taken over', { messageId, to: maskPhoneNumber(to) });
      logger.info('message sent', { messageId, to: maskPhoneNumber(to) });
      return {
        status: 202,
        message: viewOf({ ...message, ...outcome, state: 'done', updatedAt: at }, undefined, false),
      };
    } catch (error) {
      if (error instanceof SendWithdrawnError) {
        if (error.reason === 'claim-taken-over') return startOver;
        await messages.release(messageId, token);
        throw suppressed(to, error.suppressedFor);
      }
      if (error instanceof OpenPhoneOutcomeUnknownError) {
        await messages.markUnknownOutcome(messageId, token, now().toISOString());
        logger.warn('send outcome unknown: reconciling', {
          messageId,
          to: maskPhoneNumber(to),
          reason: error.reason,
        });
        return reconcile({
          ...message,
          claimToken: token,
          state: 'unknown-outcome',
          touchedAt: now().toISOString(),
        });
      }
      const refusal = error instanceof ApiRequestError ? error : openPhoneRefusal(error);
      if (refusal) {
        await messages.release(messageId, token);
        throw refusal;
      }
      if (error instanceof OpenPhoneApiError && error.status >= 400 && error.status < 500) {
        // OpenPhone refused this message for good (e.g. a number it cannot text): recorded, not retried.
        const at = now().toISOString();
        const outcome = {
          status: 'failed' as const,
          error: { code: `openphone_${error.status}`, message: error.message },
        };
        await messages.finish(messageId, token, outcome, at);
        logger.warn('send refused by OpenPhone', {
          messageId,
          to: maskPhoneNumber(to),
          status: error.status,
        });
        return {
          status: 202,
          message: viewOf({ ...message, ...outcome, state: 'done', updatedAt: at }, undefined, false),
        };
      }
      // Before the last check nothing left: the key is free again. After it, the claim stays and
      // a retry after `settleMs` reconciles it.
      if (!checked) await messages.release(messageId, token);
      throw error;
    }
  }

  /** OpenPhone errors after which nothing was sent and the caller may retry: the answer to give. */
  function openPhoneRefusal(error: unknown): ApiRequestError | undefined {
    if (
      error instanceof RateLimitWaitExceededError ||
      (error instanceof OpenPhoneApiError && error.status === 429)
    )
      return new ApiRequestError(
        429,
        'rate_limited',
        'no OpenPhone request slot is free right now; nothing was sent, retry with the same Idempotency-Key',
        undefined,
        { 'retry-after': '1' },
      );
    if (error instanceof OpenPhoneNoCreditsError)
      return new ApiRequestError(
        503,
        'openphone_no_credits',
        'the OpenPhone workspace has no credits left; nothing was sent',
      );
    if (error instanceof OpenPhoneApiError && (error.status === 401 || error.status === 403))
      return new ApiRequestError(
        503,
        'openphone_rejected_key',
        'OpenPhone refused the bridge’s API key; nothing was sent',
      );
    if (error instanceof OpenPhoneNetworkError)
      return new ApiRequestError(
        503,
        'openphone_unavailable',
        'OpenPhone could not be reached; nothing was sent, retry',
        undefined,
        {
          'retry-after': '5',
        },
      );
    if (error instanceof OpenPhoneInvalidRequestError)
      return new ApiRequestError(400, 'invalid_request', error.message);
    return undefined;
  }

  async function sendingNumberOf(ids: PhoneNumberIds, requested: string | undefined) {
    const chosen = requested ?? deps.defaultFrom;
    try {
      if (chosen) return { from: chosen, phoneNumberId: await ids.idOf(chosen) };
      const workspace = await ids.workspaceNumbers();
      if (workspace.length !== 1)
        throw new ApiRequestError(
          400,
          'from_required',
          `the workspace has ${workspace.length} numbers and the stage names no default: say which with from`,
          'from',
        );
      return { from: workspace[0]!.number, phoneNumberId: workspace[0]!.id };
    } catch (error) {
      if (error instanceof UnknownSendingNumberError)
        throw new ApiRequestError(
          400,
          'unknown_sending_number',
          'from is not a number of the OpenPhone workspace',
          'from',
        );
      throw openPhoneRefusal(error) ?? error;
    }
  }

  async function activeSuppressions(phoneNumber: string): Promise<string[]> {
    const states = await deps.suppressions.suppressionsOf(phoneNumber);
    return states.filter((s) => s.active).map((s) => (s.reason === 'bounce-hard' ? 'bounce' : s.reason));
  }

  /** The API's view: the status the delivery webhooks brought, if further along than the send's. */
  async function view(message: StoredApiMessage, includeText: boolean): Promise<ApiMessage> {
    const activity = message.openPhoneMessageId
      ? await deps.activities.getActivity(message.openPhoneMessageId)
      : undefined;
    return viewOf(message, activity, includeText);
  }

  function viewOf(
    message: StoredApiMessage,
    activity: { status?: string; statusAt?: string } | undefined,
    includeText: boolean,
  ): ApiMessage {
    const status = furtherStatus(message.status, apiStatusOf(activity?.status));
    return {
      id: message.messageId,
      ...(message.erasedAt ? { erasedAt: message.erasedAt } : { to: message.to }),
      from: message.from,
      status,
      ...(message.openPhoneMessageId ? { openPhoneMessageId: message.openPhoneMessageId } : {}),
      ...(includeText && !message.erasedAt ? { text: message.text } : {}),
      createdAt: message.createdAt,
      updatedAt: status !== message.status && activity?.statusAt ? activity.statusAt : message.updatedAt,
      ...(message.error ? { error: message.error } : {}),
    };
  }

  /** GET /v1/messages/{id}. */
  async function show(rawId: string | undefined, includeText = false): Promise<ApiMessage> {
    const id = recordId(rawId, 'id');
    const stored = await messages.getMessage(id);
    if (!stored) throw new ApiRequestError(404, 'not_found', `no message ${id}`);
    return view(stored, includeText);
  }

  return { send, show };
}

export type MessageSending = ReturnType<typeof createMessageSending>;

function suppressed(phoneNumber: string, reasons: string[]): ApiRequestError {
  return new ApiRequestError(
    409,
    'suppressed',
    `${phoneNumber} is suppressed (${[...new Set(reasons)].join(', ')}): nothing was sent`,
    'to',
  );
}

function outcomeUnknown(retryInMs: number): ApiRequestError {
  return new ApiRequestError(
    503,
    'outcome_unknown',
    'the send may have reached OpenPhone and is being reconciled: retry with the same Idempotency-Key (it is never sent twice)',
    undefined,
    { 'retry-after': retryAfterSeconds(Math.min(retryInMs, 30_000)) },
  );
}

function inUse(): ApiRequestError {
  return new ApiRequestError(
    409,
    'idempotency_key_in_use',
    'a request with this Idempotency-Key is still being sent: retry shortly',
    'Idempotency-Key',
    { 'retry-after': '1' },
  );
}
