import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acceptNagFinding } from './nag';

/**
 * The secrets the bridge reads at cold start: the webhook signing keys (one per OpenPhone webhook
 * subscription, several during a rotation) and the OpenPhone API key. Values are put by the
 * operator (README, "Configure"); the template never holds them.
 */
export class BridgeSecrets extends Construct {
  readonly signingKeys: Secret;
  readonly apiKey: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.signingKeys = new Secret(this, 'WebhookSigningKeys', {
      description: 'OpenPhone webhook signing keys: {"keys": ["<base64 key>", "whsec_..."]}',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ keys: [] }),
        generateStringKey: 'unused',
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.apiKey = new Secret(this, 'OpenPhoneApiKey', {
      description: 'OpenPhone API key: {"apiKey": "..."}',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ apiKey: '' }),
        generateStringKey: 'unused',
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const secret of [this.signingKeys, this.apiKey]) {
      acceptNagFinding(
        secret,
        'SMG4',
        'OpenPhone issues these values; they are rotated in OpenPhone and put here by the operator (README, "Rotating keys"), which no rotation Lambda can do.',
      );
    }
  }
}
