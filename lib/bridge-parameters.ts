import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { secureParameterNames } from '../lambdas/shared/secure-parameters';
import { acceptNagFinding } from './nag';

/**
 * A SecureString parameter the operator puts (CloudFormation cannot create one): the template
 * names it and grants its readers, and never holds its value.
 */
export class SecureParameter {
  constructor(readonly parameterName: string) {}

  /**
   * `ssm:GetParameter` on this parameter only (what holds the reader to it: the `aws/ssm` key's own
   * policy lets the account decrypt through SSM), and `kms:Decrypt` only through SSM for this parameter.
   */
  grantRead(fn: IFunction): void {
    const stack = Stack.of(fn);
    const parameterArn = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: this.parameterName.replace(/^\//, ''),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    fn.addToRolePolicy(new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameterArn] }));
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
        conditions: {
          StringEquals: {
            'kms:ViaService': `ssm.${stack.region}.amazonaws.com`,
            'kms:EncryptionContext:PARAMETER_ARN': parameterArn,
          },
        },
      }),
    );
    // cdk-nag names the finding as the template writes the ARN: a stack's region or account given in its `env` is written out.
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    acceptNagFinding(
      fn,
      `IAM5[Resource::arn:<AWS::Partition>:kms:${region}:${account}:key/*]`,
      "The AWS-managed aws/ssm key's id is not known to the template; kms:Decrypt is held to SSM (kms:ViaService) and to this one parameter (its encryption context).",
    );
  }
}

/**
 * The two values the bridge reads at cold start, as SecureString parameters (free to keep, unlike
 * a secret's $0.40 a month; decision 0009): the webhook signing keys (`{"keys": [...]}`, several
 * during a rotation) and the OpenPhone API key (`{"apiKey": "..."}`). The operator puts them
 * (`webhooks create|register`, or `aws ssm put-parameter`; docs/operations/deploy.md) before the functions read them.
 */
export class BridgeParameters {
  readonly signingKeys: SecureParameter;
  readonly apiKey: SecureParameter;

  constructor(stageName: string) {
    const names = secureParameterNames(stageName);
    this.signingKeys = new SecureParameter(names.signingKeys);
    this.apiKey = new SecureParameter(names.apiKey);
  }
}
