/** The campaign sender's metrics: emitted by the handler, alarmed on by the CDK construct. */
export const campaignSenderMetrics = {
  namespace: 'OpenPhoneBridge',
  messagesSent: 'CampaignMessagesSent',
  sendOutcomeUnknown: 'CampaignSendOutcomeUnknown',
  recipientsReconciled: 'CampaignRecipientsReconciled',
  /** A campaign paused itself because of an error (402 no credits, repeated 401). */
  pausedByError: 'CampaignPausedByError',
} as const;
