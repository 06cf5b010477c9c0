import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { rateLimitTableKeys } from '../../lambdas/openphone/domain/token-bucket';
import { RateLimitStore } from '../../lib/openphone';
import { synthBridgeStack } from '../../local/synth';

function storeInStack() {
  const stack = new Stack(new App(), 'Test');
  const store = new RateLimitStore(stack, 'RateLimit');
  return { stack, store };
}

describe('RateLimitStore', () => {
  it('is an on-demand, encrypted, point-in-time-recoverable table keyed by bucket id and kept on delete', () => {
    const { stack } = storeInStack();
    const template = Template.fromStack(stack);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: rateLimitTableKeys.partitionKey, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: rateLimitTableKeys.partitionKey, AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
  });

  it('grants acquirers the conditional update and the fallback read, nothing else', () => {
    const { stack, store } = storeInStack();
    const role = new Role(stack, 'Sender', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    store.grantAcquire(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
            Effect: 'Allow',
            Resource: Match.arrayWith([Match.objectLike({ 'Fn::GetAtt': Match.arrayWith(['Arn']) })]),
          }),
        ],
      },
    });
  });

  it('is part of the bridge stack', () => {
    const { stack, template } = synthBridgeStack();
    expect(stack.rateLimit.table).toBeDefined();
    const tables = Object.keys(template.Resources).filter((id) => id.includes('RateLimitTable'));
    expect(tables).toHaveLength(1);
  });
});
