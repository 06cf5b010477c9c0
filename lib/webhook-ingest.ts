import { Duration, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { eventFamilies } from '../lambdas/domain/event-types';
import { environmentNames, queueUrlVariable } from '../lambdas/adapters/environment';
import { BridgeFunction } from './bridge-function';
import { acceptNagFinding } from './nag';
import type { EventQueues } from './event-queues';
import type { EventStore } from './event-store';

export const webhookPath = '/webhooks/openphone';

export interface WebhookIngestProps {
  readonly events: EventStore;
  readonly queues: EventQueues;
  readonly signingKeys: ISecret;
  /** Steady-state requests per second the API accepts before it answers 429. @default 50 */
  readonly throttleRateLimit?: number;
  /** Burst the API accepts. @default 100 */
  readonly throttleBurstLimit?: number;
  /** Days an event record is kept. @default 90 */
  readonly eventRetentionDays?: number;
  /** Largest accepted body in bytes. @default 262144 */
  readonly maxWebhookBodyBytes?: number;
  readonly logRetention?: RetentionDays;
}

/**
 * The front door: HTTP API → ingest Lambda (verify, record once, answer) and the outbox
 * dispatcher that moves each newly recorded event from the table's stream to its family's queue.
 */
export class WebhookIngest extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly ingestFunction: BridgeFunction;
  readonly dispatchFunction: BridgeFunction;
  /** Stream batches the dispatcher could not deliver after every retry: the events stay open in the table. */
  readonly dispatchFailures: Queue;
  readonly webhookUrl: string;

  constructor(scope: Construct, id: string, props: WebhookIngestProps) {
    super(scope, id);
    const table = props.events.table;

    this.ingestFunction = new BridgeFunction(this, 'IngestFunction', {
      handlerName: 'ingest',
      description: 'Verifies OpenPhone webhook signatures and records each event once',
      memorySize: 256,
      timeout: Duration.seconds(5),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      environment: {
        [environmentNames.eventsTable]: table.tableName,
        [environmentNames.signingKeysSecret]: props.signingKeys.secretArn,
        [environmentNames.eventRetentionDays]: String(props.eventRetentionDays ?? 90),
        [environmentNames.maxWebhookBodyBytes]: String(props.maxWebhookBodyBytes ?? 262_144),
      },
    });
    // PutItem on the table only: the ingest never reads, and never touches the indexes.
    this.ingestFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [table.tableArn] }),
    );
    props.signingKeys.grantRead(this.ingestFunction);

    this.dispatchFunction = new BridgeFunction(this, 'DispatchFunction', {
      handlerName: 'dispatch',
      description: 'Moves newly recorded events from the events table stream to their family queue',
      memorySize: 256,
      timeout: Duration.seconds(30),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      environment: {
        [environmentNames.eventsTable]: table.tableName,
        ...Object.fromEntries(
          eventFamilies.map((f) => [queueUrlVariable(f), props.queues.byFamily[f].queue.queueUrl]),
        ),
      },
    });
    for (const family of eventFamilies)
      props.queues.byFamily[family].queue.grantSendMessages(this.dispatchFunction);

    this.dispatchFailures = new Queue(this, 'DispatchFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acceptNagFinding(
      this.dispatchFailures,
      'SQS3',
      'This queue is itself the on-failure destination of the stream mapping.',
    );
    this.dispatchFunction.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(0),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        // Retry until the record ages out of the stream (24 h); the event stays listed as open meanwhile.
        retryAttempts: -1,
        maxRecordAge: Duration.hours(24),
        parallelizationFactor: 2,
        onFailure: new SqsDlq(this.dispatchFailures),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { status: { S: FilterRule.isEqual('received') } } },
          }),
        ],
      }),
    );

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    this.api = new HttpApi(this, 'WebhookApi', {
      description: 'OpenPhone webhooks',
      createDefaultStage: false,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit ?? 50, burstLimit: props.throttleBurstLimit ?? 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
      },
    });
    const [route] = this.api.addRoutes({
      path: webhookPath,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('IngestIntegration', this.ingestFunction),
    });
    acceptNagFinding(
      route!,
      'APIG4',
      'OpenPhone sends no IAM, JWT or authorizer credentials: every request is authenticated by its webhook signature, verified before anything is stored.',
    );
    this.webhookUrl = `https://${this.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}${webhookPath}`;
  }
}
