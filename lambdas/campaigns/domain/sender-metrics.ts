import { bridgeMetrics } from '../../shared/metrics';

/** The campaign sender's metrics: emitted by the handler, alarmed on by the CDK construct. */
export const campaignSenderMetrics = {
  namespace: bridgeMetrics.namespace,
  ...bridgeMetrics.campaigns,
} as const;

/** The causes that need an operator, each also counted in `NeedsAttention` (the alarm reads that one metric). */
export type SenderTroubleCause =
  | typeof campaignSenderMetrics.pausedByError
  | typeof campaignSenderMetrics.campaignRunsFailed
  | typeof campaignSenderMetrics.sendOutcomeUnknown
  | typeof campaignSenderMetrics.recipientsParked;
