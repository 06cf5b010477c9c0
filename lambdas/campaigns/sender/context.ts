/**
 * What every step of the campaign sender works with: the injected `deps`, the settings over their
 * defaults, and (for one pass over one campaign) the run's report and state. The steps (send,
 * failure, reconcile) are plain functions over one `RunContext`, so none closes over another.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { randomUUID } from 'node:crypto';
import { correlationIdKey } from '../../shared/correlation';
import type { PauseReason } from '../domain/campaign-state';
import type { CampaignRepository } from '../adapters/campaign-repository';
import type { DailyCapRepository } from '../adapters/daily-cap-repository';
import type { RecentSendsRepository } from '../adapters/recent-sends-repository';
import type { RecipientRepository } from '../adapters/recipient-repository';
import { defaultStateSendingRules, type StateSendingRules } from '../domain/quiet-hours';
import type { SendingNumberRules } from '../domain/sending-numbers';
import { PhoneNumberIds, type OpenPhoneClient } from '../../openphone';
import { DailyCapSlots } from './cap-slots';

export interface CampaignSenderSettings {
  /** A claim or unknown outcome untouched this long belongs to a sender that is gone. @default 5 min */
  staleClaimMs: number;
  /** Consecutive 401 answers that pause the campaign. @default 2 */
  unauthorizedPauseAfter: number;
  /** No new recipient is started with less than this left: a send may wait 30 s for a token, then 10 s for OpenPhone. @default 45 s */
  safetyMarginMs: number;
  /** Recipients read from the work index per page. @default 50 */
  pageSize: number;
  /**
   * Recipients a run works on at once, each through the same steps in the same order. One
   * recipient is about eight DynamoDB round trips and the request to OpenPhone; one at a time, a
   * run cannot keep up with the campaign lane's share of the rate limit. @default 4
   */
  concurrency: number;
  /**
   * Daily-cap slots a pass leases with one write (sender/cap-slots.ts); what it does not spend is
   * given back when the pass ends. @default 10
   */
  capLeaseSize: number;
  /** States' stricter windows and caps per 24 h, by the recipient area code's state. @default defaultStateSendingRules */
  stateRules: StateSendingRules;
  /**
   * Reconciliations in a row that could not ask OpenPhone (5xx, network) before the recipient is
   * parked; with `staleClaimMs` between them, about 25 minutes. @default 5
   */
  reconcileAttempts: number;
  /** Sending numbers' own zone and daily cap, by `PN…` id or E.164 (the stage's `campaignSendingNumbers`). @default {} */
  sendingNumbers: SendingNumberRules;
}

export const defaultCampaignSenderSettings: CampaignSenderSettings = {
  staleClaimMs: 5 * 60_000,
  unauthorizedPauseAfter: 2,
  safetyMarginMs: 45_000,
  pageSize: 50,
  concurrency: 4,
  capLeaseSize: 10,
  stateRules: defaultStateSendingRules,
  reconcileAttempts: 5,
  sendingNumbers: {},
};

/** What the sender asks of OpenPhone. */
export type CampaignOpenPhone = Pick<OpenPhoneClient, 'sendMessage' | 'listMessages' | 'listPhoneNumbers'>;

export interface CampaignSenderDeps {
  campaigns: CampaignRepository;
  recipients: RecipientRepository;
  dailyCaps: DailyCapRepository;
  /** Sends to a number in the last 24 h, for states' caps; without it no state cap is applied. */
  recentSends?: Pick<RecentSendsRepository, 'recentSendsTo'>;
  /** The CRM's suppression gate (opt-out, bounce, manual), read at send time. */
  isSuppressed: (phoneNumber: string) => Promise<boolean>;
  /** A client in the `campaign` lane of the shared rate limiter. */
  openPhone: CampaignOpenPhone;
  /**
   * After a 401: a client with the API key read again, bypassing any cache (a rotated key), or
   * undefined when the key has not changed. Without it a 401 counts towards the pause at once.
   */
  reloadOpenPhone?: () => Promise<CampaignOpenPhone | undefined>;
  settings?: Partial<CampaignSenderSettings>;
  logger: Logger;
  metrics: Metrics;
  /** @default () => new Date() */
  now?: () => Date;
  /** @default randomUUID */
  newClaimToken?: () => string;
}

export interface CampaignRunReport {
  campaignId: string;
  /** Why the run over this campaign ended. */
  ended:
    | 'worked-through'
    | 'completed'
    | 'not-running'
    | 'paused'
    | 'daily-cap-reached'
    | 'out-of-time'
    /** The pass ended in an error (logged and counted); the run went on with the next campaign. */
    | 'failed';
  sent: number;
  skipped: number;
  failed: number;
  /** Unknown outcomes and abandoned claims whose message was found at OpenPhone. */
  reconciledAsSent: number;
  /** Unknown outcomes and abandoned claims whose message was not there: back to pending. */
  reconciledAsNotSent: number;
  /** Sends whose outcome is still unknown, to be reconciled after `staleClaimMs`. */
  unknownOutcome: number;
  /** Recipients parked: reconciliation could not ask OpenPhone `reconcileAttempts` times. */
  parked: number;
  pauseReason?: PauseReason;
}

/** What became of one recipient in a run. */
export type RecipientOutcome =
  | 'sent'
  | 'skipped'
  | 'failed'
  | 'waiting'
  | 'busy'
  | 'released'
  | 'unknown-outcome'
  | 'daily-cap-reached'
  | 'paused'
  | 'not-running'
  | 'parked'
  | 'out-of-time';

/** One sender's context, shared by all its runs. */
export interface SenderContext {
  readonly deps: CampaignSenderDeps;
  /** `deps.settings` over the defaults. */
  readonly settings: CampaignSenderSettings;
  readonly now: () => Date;
  readonly newClaimToken: () => string;
  /** Sending number → OpenPhone phone number id, looked up once per sender (with the current client). */
  readonly phoneNumberIds: PhoneNumberIds;
  /** The client in use: `deps.openPhone` until a 401 made the sender read the key again. */
  readonly openPhone: { current: CampaignOpenPhone };
  /** Rejected client → its one key re-read (shared by the recipients in flight that met the 401). */
  readonly keyReloads: WeakMap<CampaignOpenPhone, Promise<CampaignOpenPhone | undefined>>;
}

/** One pass over one campaign: the sender's context plus the run's report and state. */
export interface RunContext extends SenderContext {
  readonly campaignId: string;
  /** Epoch ms. */
  readonly deadline: number;
  readonly report: CampaignRunReport;
  /** The pass's daily-cap slots, leased a few at a time; given back at its end. */
  readonly capSlots: DailyCapSlots;
  consecutiveUnauthorized: number;
}

export function senderContext(deps: CampaignSenderDeps): SenderContext {
  const openPhone = { current: deps.openPhone };
  return {
    deps,
    settings: { ...defaultCampaignSenderSettings, ...deps.settings },
    now: deps.now ?? (() => new Date()),
    newClaimToken: deps.newClaimToken ?? randomUUID,
    phoneNumberIds: new PhoneNumberIds(() => openPhone.current),
    openPhone,
    keyReloads: new WeakMap(),
  };
}

export function runContext(sender: SenderContext, campaignId: string, deadline: number): RunContext {
  return {
    ...sender,
    // One child logger per run: every line of it carries the campaign id as its correlation id.
    deps: {
      ...sender.deps,
      logger: sender.deps.logger.createChild({ persistentKeys: { [correlationIdKey]: campaignId } }),
    },
    campaignId,
    deadline,
    report: {
      campaignId,
      ended: 'worked-through',
      sent: 0,
      skipped: 0,
      failed: 0,
      reconciledAsSent: 0,
      reconciledAsNotSent: 0,
      unknownOutcome: 0,
      parked: 0,
    },
    capSlots: new DailyCapSlots(sender.deps.dailyCaps, sender.settings.capLeaseSize),
    consecutiveUnauthorized: 0,
  };
}
