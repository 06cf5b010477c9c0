import type { CampaignRepositories } from '../lambdas/campaigns';
import type {
  ActivityRepository,
  ContactRepository,
  ErasureRepository,
  SuppressionListRepository,
} from '../lambdas/crm';
import type { ConversationActions, MessageSending } from '../lambdas/crm-api';
import type { EventRepository, QueueAdmin } from '../lambdas/events';
import type { ProcessedCounts } from './processed-counts';
import type { ImportRepository, ImportRequest } from '../lambdas/history-import';
import type { OpenPhoneClient } from '../lambdas/openphone';
import type { BusEvent } from '../local/crm-events';
import type { CopyOutcome, GivenSecrets, SecretToParameter } from './secrets-to-parameters';
import type { SigningKeyStore } from './signing-key-stores';

/** What the commands act on: the local replica, or a deployed stack. */
export interface Target {
  /** For messages: `the local replica at http://127.0.0.1:3000`, `stack OpenPhoneBridge-prod`. */
  readonly name: string;
  readonly events: EventRepository;
  /** Events processed since a time, per family (CloudWatch on a stack; the table on the replica). */
  readonly processedSince: ProcessedCounts;
  /** CRM activities: timelines by contact number. */
  readonly activities: ActivityRepository;
  /** CRM contacts: by OpenPhone id, by phone number. */
  readonly contacts: ContactRepository;
  /** Erasing one person (`contacts erase`): CRM items and archived media. */
  readonly erasure: ErasureRepository;
  /** The suppression list: by reason, per number with its audit trail, operator changes. */
  readonly suppressions: SuppressionListRepository;
  /** Campaigns, their recipients and statistics (the campaign table). */
  readonly campaigns: CampaignRepositories;
  readonly queues: QueueAdmin;
  readonly signingKeys: SigningKeyStore;
  /** History import runs: their progress, errors, listing, cancel. */
  readonly imports: ImportRepository;
  readonly importLauncher: ImportLauncher;
  /** The CRM events the bridge published, where the target keeps a copy (the replica's bus stand-in). */
  readonly crmEvents: CrmEventLog;
  /** The one-shot copy of the old secrets into the parameters (`secrets copy-to-parameters`); a stack only. */
  readonly secretsUpgrade?: SecretsUpgrade;
  /** A client on the target's shared rate limit, with the key from OPENPHONE_API_KEY or the target's parameter. */
  openPhone(): Promise<OpenPhoneClient>;
  /** One message at a time, exactly as `POST /v1/messages` sends it (cli/message-sending.ts). */
  messages(): MessageSending;
  /** Done/open and tasks on a conversation, as `POST /v1/conversations/{id}/…` (cli/conversation-actions.ts). */
  conversations(): ConversationActions;
}

export interface SecretsUpgrade {
  plan(given: GivenSecrets): SecretToParameter[];
  copy(copies: readonly SecretToParameter[], options: { force?: boolean }): Promise<CopyOutcome[]>;
}

/** Starts import runs where the target runs them: a Step Functions execution, or the local replica's process. */
export interface ImportLauncher {
  /** Starts (or resumes, by its id) a run; answers where it runs, for the operator. */
  start(request: ImportRequest): Promise<{ runsAs: string }>;
}

/** The CRM events put on the bus, oldest first (one detail-type when asked). */
export interface CrmEventLog {
  list(detailType?: string): Promise<BusEvent[]>;
}

/** The global options that choose a target. */
export interface TargetOptions {
  stack?: string;
  profile?: string;
  region?: string;
  replicaFile?: string;
}
