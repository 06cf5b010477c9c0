import { eventFamilies, type EventFamily } from '../lambdas/events/domain/event-types';
import { defaultSweepPolicy, type SweepPolicy } from '../lambdas/events/domain/event-sweep';
import { rateExpressionMs } from '../lambdas/history-import/domain/import-progress';
import { environmentNames } from '../lambdas/shared/environment';
import type { CfnTemplate } from './cfn-tables';
import type { EventSourceMappingSettings } from './in-process-queue';

type Resource = CfnTemplate['Resources'][string];
type GetAtt = { 'Fn::GetAtt': [string, string] };

const pascal = (family: EventFamily) =>
  family
    .split('-')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

function onlyResource(
  template: CfnTemplate,
  type: string,
  test: (id: string, r: Resource) => boolean,
): [string, Resource] {
  const found = Object.entries(template.Resources).filter(([id, r]) => r.Type === type && test(id, r));
  if (found.length !== 1) throw new Error(`expected one ${type} in the template, found ${found.length}`);
  return found[0]!;
}

export function tableLogicalId(template: CfnTemplate, fragment: string): string {
  return onlyResource(template, 'AWS::DynamoDB::Table', (id) => id.includes(fragment))[0];
}

/** Each family queue's event-source settings as the template configures them (visibility, maxReceiveCount). */
export function familyQueueSettings(
  template: CfnTemplate,
  batchSize = 10,
): Record<EventFamily, EventSourceMappingSettings> {
  return Object.fromEntries(
    eventFamilies.map((family) => {
      const [, queue] = onlyResource(template, 'AWS::SQS::Queue', (id) =>
        id.startsWith(`EventQueues${pascal(family)}Queue`),
      );
      const p = queue.Properties as {
        VisibilityTimeout?: number;
        RedrivePolicy?: { maxReceiveCount: number };
      };
      return [
        family,
        {
          batchSize,
          visibilityTimeoutSeconds: p.VisibilityTimeout ?? 30,
          maxReceiveCount: p.RedrivePolicy?.maxReceiveCount ?? 5,
        },
      ];
    }),
  ) as Record<EventFamily, EventSourceMappingSettings>;
}

export interface StreamMappingSettings {
  batchSize: number;
  /** Lambda event filter patterns (parsed JSON). */
  filterPatterns: unknown[];
  bisectOnError: boolean;
}

/** The event source mapping that reads a table's stream, as synthesized. */
export function streamMappingSettings(template: CfnTemplate, tableId: string): StreamMappingSettings {
  const [, mapping] = onlyResource(template, 'AWS::Lambda::EventSourceMapping', (_id, r) => {
    const arn = (r.Properties as { EventSourceArn?: GetAtt }).EventSourceArn;
    return arn?.['Fn::GetAtt']?.[0] === tableId && arn['Fn::GetAtt'][1] === 'StreamArn';
  });
  const p = mapping.Properties as {
    BatchSize?: number;
    BisectBatchOnFunctionError?: boolean;
    FilterCriteria?: { Filters: { Pattern: string }[] };
  };
  return {
    batchSize: p.BatchSize ?? 100,
    bisectOnError: p.BisectBatchOnFunctionError ?? false,
    filterPatterns: (p.FilterCriteria?.Filters ?? []).map((f) => JSON.parse(f.Pattern) as unknown),
  };
}

/**
 * Lambda event filtering, for the subset of patterns this stack uses: nested objects whose leaves are
 * arrays of allowed values. A record passes when any pattern matches (no patterns: everything passes).
 */
export function matchesFilterPatterns(patterns: unknown[], record: unknown): boolean {
  const matches = (pattern: unknown, value: unknown): boolean => {
    if (Array.isArray(pattern)) return pattern.some((allowed) => allowed === value);
    if (pattern && typeof pattern === 'object') {
      if (!value || typeof value !== 'object') return false;
      return Object.entries(pattern).every(([k, p]) => matches(p, (value as Record<string, unknown>)[k]));
    }
    return false;
  };
  return patterns.length === 0 || patterns.some((p) => matches(p, record));
}

/** The media archive queue's event-source settings as the template configures them. */
export function mediaArchiveQueueSettings(template: CfnTemplate, batchSize = 5): EventSourceMappingSettings {
  const [, queue] = onlyResource(template, 'AWS::SQS::Queue', (id) =>
    id.startsWith('EventProcessingArchiveQueue'),
  );
  const p = queue.Properties as { VisibilityTimeout?: number; RedrivePolicy?: { maxReceiveCount: number } };
  return {
    batchSize,
    visibilityTimeoutSeconds: p.VisibilityTimeout ?? 30,
    maxReceiveCount: p.RedrivePolicy?.maxReceiveCount ?? 5,
  };
}

/** The campaign sender Lambda's timeout in ms: one local run's budget, as one invocation's. */
export function campaignSenderBudgetMs(template: CfnTemplate): number {
  const [, sender] = onlyResource(template, 'AWS::Lambda::Function', (id) =>
    id.startsWith('CampaignSenderSenderFunction'),
  );
  return ((sender.Properties as { Timeout?: number }).Timeout ?? 3) * 1000;
}

/** The environment variables the stack gives one function, found by its logical id's start. */
export function functionVariables(template: CfnTemplate, idPrefix: string): Record<string, unknown> {
  const [, fn] = onlyResource(template, 'AWS::Lambda::Function', (id) => id.startsWith(idPrefix));
  return (
    (fn.Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables ?? {}
  );
}

/** The sweeper as the stack deploys it: its schedule (interval for `rate(…)`) and its policy. */
export function eventSweepSettings(template: CfnTemplate): {
  expression: string;
  everyMs?: number;
  policy: SweepPolicy;
} {
  const [, rule] = onlyResource(template, 'AWS::Events::Rule', (id) => id.startsWith('EventSweeperSchedule'));
  const variables = functionVariables(template, 'EventSweeperSweepFunction');
  const expression = String((rule.Properties as { ScheduleExpression?: unknown }).ScheduleExpression);
  const everyMs = rateExpressionMs(expression);
  const numberOf = (name: string, fallback: number) =>
    variables[name] === undefined ? fallback : Number(variables[name]);
  return {
    expression,
    ...(everyMs === undefined ? {} : { everyMs }),
    policy: {
      ...defaultSweepPolicy,
      stuckAfterMinutes: numberOf(
        environmentNames.stuckEventAfterMinutes,
        defaultSweepPolicy.stuckAfterMinutes,
      ),
      maxRedispatches: numberOf(environmentNames.maxEventRedispatches, defaultSweepPolicy.maxRedispatches),
    },
  };
}

/** A schedule rule's expression and, for `rate(…)`, its interval, by the start of its logical id. */
export function ruleSchedule(
  template: CfnTemplate,
  idPrefix: string,
): { expression: string; everyMs?: number } {
  const [, rule] = onlyResource(template, 'AWS::Events::Rule', (id) => id.startsWith(idPrefix));
  const expression = String((rule.Properties as { ScheduleExpression?: unknown }).ScheduleExpression);
  const everyMs = rateExpressionMs(expression);
  return { expression, ...(everyMs === undefined ? {} : { everyMs }) };
}
