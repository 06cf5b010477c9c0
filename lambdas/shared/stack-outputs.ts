/** Names of the stack's CloudFormation outputs: written by the stack, read by the operator CLI. */
export const stackOutputNames = {
  webhookUrl: 'WebhookUrl',
  signingKeysParameterName: 'SigningKeysParameterName',
  apiKeyParameterName: 'ApiKeyParameterName',
  eventsTableName: 'EventsTableName',
  rateLimitTableName: 'RateLimitTableName',
  crmTableName: 'CrmTableName',
  crmEventBusName: 'CrmEventBusName',
  campaignTableName: 'CampaignTableName',
  importStateMachineArn: 'ImportStateMachineArn',
  importTableName: 'ImportTableName',
  crmApiUrl: 'CrmApiUrl',
  eraseSecondSweepArn: 'EraseSecondSweepArn',
  mediaBucketName: 'MediaBucketName',
} as const;

/** `MessagesQueueUrl`, `CallIntelligenceDeadLetterQueueUrl`: the output naming one family queue. */
export function familyQueueOutputName(family: string, queue: 'QueueUrl' | 'DeadLetterQueueUrl'): string {
  return (
    family.replace(/(^|-)(\w)/g, (_match, _dash: string, letter: string) => letter.toUpperCase()) + queue
  );
}

/** The outputs of a stack before decision 0009's second look: the secrets `bridge secrets copy-to-parameters` copies from. */
export const secretStackOutputNames = {
  signingKeysSecretArn: 'SigningKeysSecretArn',
  apiKeySecretArn: 'ApiKeySecretArn',
} as const;
