/** What sending a message through the CRM API needs: its stores, OpenPhone, settings and clock. */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ActivityRepository, SuppressionRepository } from '../../crm';
import type { OpenPhoneClient } from '../../openphone';
import type { ApiMessageRepository } from '../adapters/api-message-repository';
import type { ApiMessage } from '../domain/messages';

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

export const defaultMessageSendingSettings: MessageSendingSettings = {
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
  /** The OpenPhone client (the API key parameter is read on first use); throws when there is none. */
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
