import { bridgeMetrics } from '../../shared/metrics';

/** The campaign sender's metrics: emitted by the handler, alarmed on by the CDK construct. */
export const campaignSenderMetrics = {
  namespace: bridgeMetrics.namespace,
  ...bridgeMetrics.campaigns,
} as const;
