import type { CampaignRepositories } from '../../lambdas/campaigns/adapters/campaign-repositories';
import type { ActivityRepository } from '../../lambdas/crm/adapters/activity-repository';
import type { ContactRepository } from '../../lambdas/crm/adapters/contact-repository';
import type { ErasureRepository } from '../../lambdas/crm/adapters/erasure-repository';
import type { SuppressionListRepository } from '../../lambdas/crm/adapters/suppression-list-repository';
import { EventRepository } from '../../lambdas/events/adapters/event-repository';
import type { ImportRepository } from '../../lambdas/history-import/adapters/import-repository';
import type { OpenPhoneClient } from '../../lambdas/openphone/adapters/openphone-client';
import type { QueueAdmin } from '../../lambdas/events/adapters/queue-admin';
import { eventFamilies, type EventFamily } from '../../lambdas/events/domain/event-types';
import { InProcessQueue } from '../../local/in-process-queue';
import { InProcessQueuePublisher } from '../../local/local-pipeline';
import { inProcessQueueAdmin } from '../../local/admin-api';
import { runCli } from '../../cli/program';
import type { Output } from '../../cli/output';
import type { ProcessedCounts } from '../../cli/processed-counts';
import type { SigningKeyStore } from '../../cli/signing-key-stores';
import type { CrmEventLog, ImportLauncher, Target } from '../../cli/target';
import type { ConversationActions, MessageSending } from '../../lambdas/crm-api';

/** Collects what a command prints. */
export function capturedOutput(): Output & { lines: string[]; text(): string } {
  const lines: string[] = [];
  return { lines, line: (text = '') => lines.push(...text.split('\n')), text: () => lines.join('\n') };
}

/** Family queues that are not consumed: messages stay where a test can look at them. */
export function idleFamilyQueues(
  settings = { batchSize: 10, visibilityTimeoutSeconds: 0, maxReceiveCount: 1 },
) {
  const queues = Object.fromEntries(eventFamilies.map((f) => [f, new InProcessQueue(f, settings)])) as Record<
    EventFamily,
    InProcessQueue
  >;
  return { queues, admin: inProcessQueueAdmin(queues, new InProcessQueuePublisher(queues)) };
}

/** Sends each body to the family queue and fails it once, so it lands in the DLQ (maxReceiveCount 1). */
export async function deadLetter(queue: InProcessQueue, bodies: string[]): Promise<void> {
  for (const body of bodies) queue.send(body);
  await queue.pollOnce(async () => {
    throw new Error('processor down');
  });
}

const unused = (what: string) => () => {
  throw new Error(`this test does not use ${what}`);
};

export function testTarget(parts: {
  events?: EventRepository;
  processedSince?: ProcessedCounts;
  activities?: ActivityRepository;
  contacts?: ContactRepository;
  erasure?: ErasureRepository;
  suppressions?: SuppressionListRepository;
  campaigns?: CampaignRepositories;
  queues?: QueueAdmin;
  signingKeys?: SigningKeyStore;
  imports?: ImportRepository;
  importLauncher?: ImportLauncher;
  openPhone?: () => Promise<OpenPhoneClient>;
  crmEvents?: CrmEventLog;
  messages?: MessageSending;
  conversations?: ConversationActions;
}): Target {
  return {
    name: 'the test target',
    get events() {
      return parts.events ?? unused('events')();
    },
    processedSince: parts.processedSince ?? (async () => unused('processed counts')()),
    get activities() {
      return parts.activities ?? unused('activities')();
    },
    get contacts() {
      return parts.contacts ?? unused('contacts')();
    },
    get erasure() {
      return parts.erasure ?? unused('erasure')();
    },
    get suppressions() {
      return parts.suppressions ?? unused('suppressions')();
    },
    get campaigns() {
      return parts.campaigns ?? unused('campaigns')();
    },
    get queues() {
      return parts.queues ?? unused('queues')();
    },
    get signingKeys() {
      return parts.signingKeys ?? unused('signing keys')();
    },
    get imports() {
      return parts.imports ?? unused('imports')();
    },
    get importLauncher() {
      return parts.importLauncher ?? unused('the import launcher')();
    },
    get crmEvents() {
      return parts.crmEvents ?? unused('CRM events')();
    },
    openPhone: parts.openPhone ?? (async () => unused('OpenPhone')()),
    messages: () => parts.messages ?? unused('messages')(),
    conversations: () => parts.conversations ?? unused('conversations')(),
  };
}

/** Runs a command line against a target, as `npm run cli --` would; returns the exit code and both streams. */
export async function runAgainst(target: Target, ...argv: string[]) {
  const out = capturedOutput();
  const err: string[] = [];
  const code = await runCli(argv, {
    out,
    err: (text) => err.push(...text.split('\n')),
    resolveTarget: async () => target,
  });
  return { code, stdout: out.lines, stderr: err };
}
