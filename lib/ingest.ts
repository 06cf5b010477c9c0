import { Duration, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination as RestLogGroupDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { Metric, MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { SecureParameter } from './bridge-parameters';
import { Construct } from 'constructs';
import { defaultSweepPolicy, eventFamilies, queueUrlVariable } from '../lambdas/events';
import { ingestEntry } from '../lambdas/ingest';
import { environmentNames } from '../lambdas/shared/environment';
import { BridgeFunction } from './bridge-function';
import { acceptNagFinding } from './nag';
import type { EventQueues, EventStore } from './events';

export const webhookPath = '/webhooks/openphone';

const signatureIsTheAuthentication =
  'OpenPhone sends no IAM, JWT or authorizer credentials: every request is authenticated by its webhook signature, verified before anything is stored.';

export interface WebhookIngestProps {
  readonly events: EventStore;
  readonly queues: EventQueues;
  readonly signingKeys: SecureParameter;
  /** Steady-state requests per second the API accepts before it answers 429. @default 50 */
  readonly throttleRateLimit?: number;
  /** Burst the API accepts. @default 100 */
  readonly throttleBurstLimit?: number;
  /** Days an event record is kept. @default 90 */
  readonly eventRetentionDays?: number;
  /** The sweep policy: a redelivery of an event still received this long after arrival re-dispatches it. */
  readonly sweep?: { readonly stuckAfterMinutes?: number; readonly maxRedispatches?: number };
  /** Largest accepted body in bytes. @default 262144 */
  readonly maxWebhookBodyBytes?: number;
  readonly logRetention?: RetentionDays;
  /**
   * AWS WAF on the webhook endpoint. HTTP APIs cannot be associated with a WebACL, so with WAF the
   * front door is a REST API (same path, Lambda proxy, throttle and access logs) with a regional
   * WebACL. @default no WAF: an HTTP API
   */
  readonly waf?: { readonly rateLimitPer5Min: number };
}

/** The JSON access-log format of the bridge's API stages (no caller, no user: nothing personal). */
export const accessLogFormat = () =>
  AccessLogFormat.jsonWithStandardFields({
    caller: false,
    httpMethod: true,
    ip: true,
    protocol: true,
    requestTime: true,
    resourcePath: true,
    responseLength: true,
    status: true,
    user: false,
  });

/**
 * The front door: HTTP API → ingest Lambda (verify, record once, hand a new event to its family's
 * queue, answer). An event whose hand-on fails stays received and filed by arrival: the sweeper
 * hands it on (decision 0009).
 */
export class WebhookIngest extends Construct {
  /** The HTTP API front door (without WAF). */
  readonly api?: HttpApi;
  readonly stage?: HttpStage;
  /** The REST API front door (with WAF) and its WebACL. */
  readonly restApi?: RestApi;
  readonly webAcl?: CfnWebACL;
  readonly ingestFunction: BridgeFunction;
  readonly webhookUrl: string;

  constructor(scope: Construct, id: string, props: WebhookIngestProps) {
    super(scope, id);
    const table = props.events.table;

    this.ingestFunction = new BridgeFunction(this, 'IngestFunction', {
      entry: ingestEntry,
      description: 'Verifies OpenPhone webhook signatures, records each event once, hands it to its queue',
      memorySize: 256,
      timeout: Duration.seconds(5),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      environment: {
        [environmentNames.eventsTable]: table.tableName,
        [environmentNames.signingKeysParameter]: props.signingKeys.parameterName,
        [environmentNames.eventRetentionDays]: String(props.eventRetentionDays ?? 90),
        [environmentNames.maxWebhookBodyBytes]: String(props.maxWebhookBodyBytes ?? 262_144),
        // Each new event goes to its family's queue; a redelivered stuck one again (the sweeper's policy).
        ...Object.fromEntries(
          eventFamilies.map((f) => [queueUrlVariable(f), props.queues.byFamily[f].queue.queueUrl]),
        ),
        [environmentNames.stuckEventAfterMinutes]: String(
          props.sweep?.stuckAfterMinutes ?? defaultSweepPolicy.stuckAfterMinutes,
        ),
        [environmentNames.maxEventRedispatches]: String(
          props.sweep?.maxRedispatches ?? defaultSweepPolicy.maxRedispatches,
        ),
      },
    });
    // The table only, never its indexes: the conditional put; on a duplicate, its record (returned
    // by the refused put, or read) and a counted re-dispatch of a stuck event.
    this.ingestFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    for (const family of eventFamilies)
      props.queues.byFamily[family].queue.grantSendMessages(this.ingestFunction);
    props.signingKeys.grantRead(this.ingestFunction);

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    const throttle = {
      rateLimit: props.throttleRateLimit ?? 50,
      burstLimit: props.throttleBurstLimit ?? 100,
    };
    if (props.waf) {
      this.restApi = this.restFrontDoor(accessLogs, throttle);
      this.webAcl = this.webAclFor(this.restApi, props.waf.rateLimitPer5Min);
      this.webhookUrl = this.restApi.urlForPath(webhookPath);
      return;
    }
    this.api = new HttpApi(this, 'WebhookApi', {
      description: 'OpenPhone webhooks',
      createDefaultStage: false,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: accessLogFormat(),
      },
    });
    const [route] = this.api.addRoutes({
      path: webhookPath,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('IngestIntegration', this.ingestFunction),
    });
    acceptNagFinding(route!, 'APIG4', signatureIsTheAuthentication);
    this.webhookUrl = `https://${this.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}${webhookPath}`;
  }

  /** Requests reaching the front door (webhooks in). */
  metricRequests(props?: MetricOptions): Metric {
    return this.restApi?.metricCount(props) ?? this.api!.metricCount(props);
  }

  /** 5xx answers, the ingest's own and API Gateway's (Lambda errors, timeouts, throttles). */
  metricServerErrors(props?: MetricOptions): Metric {
    return this.restApi?.metricServerError(props) ?? this.api!.metricServerError(props);
  }

  /** Time from request to answer, in milliseconds. */
  metricLatency(props?: MetricOptions): Metric {
    return this.restApi?.metricLatency(props) ?? this.api!.metricLatency(props);
  }

  private restFrontDoor(accessLogs: LogGroup, throttle: { rateLimit: number; burstLimit: number }): RestApi {
    const api = new RestApi(this, 'WebhookRestApi', {
      description: 'OpenPhone webhooks (REST API, for AWS WAF)',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'webhooks',
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        accessLogDestination: new RestLogGroupDestination(accessLogs),
        accessLogFormat: accessLogFormat(),
        loggingLevel: MethodLoggingLevel.OFF,
        tracingEnabled: true,
      },
    });
    const method = api.root
      .resourceForPath(webhookPath)
      .addMethod('POST', new LambdaIntegration(this.ingestFunction, { allowTestInvoke: false }));
    acceptNagFinding(method, 'APIG4', signatureIsTheAuthentication);
    acceptNagFinding(method, 'COG4', signatureIsTheAuthentication);
    acceptNagFinding(
      api,
      'APIG2',
      'The ingest validates the body itself (size, signature over the exact bytes, envelope) and answers each failure with its own status and reason.',
    );
    acceptNagFinding(
      api.deploymentStage,
      'APIG6',
      'Execution logging would need an account-wide API Gateway CloudWatch role; access logs, the ingest logs and X-Ray cover each request.',
    );
    return api;
  }

  private webAclFor(api: RestApi, rateLimitPer5Min: number): CfnWebACL {
    const visibility = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName: name,
      sampledRequestsEnabled: false,
    });
    const managed = (name: string, priority: number) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    // No core rule set: webhook bodies carry customers' free text, which its XSS/SQLi/size rules would block.
    const acl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('OpenPhoneBridgeWebhooks'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: rateLimitPer5Min, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        managed('AWSManagedRulesAmazonIpReputationList', 1),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: api.deploymentStage.stageArn,
      webAclArn: acl.attrArn,
    });
    return acl;
  }
}
