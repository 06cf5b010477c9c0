import { ArnFormat, type CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpMethod,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Grant, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { DefinitionBody, LogLevel, StateMachine, Wait, WaitTime } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { SecureParameter } from './bridge-parameters';
import { Construct } from 'constructs';
import {
  crmApiEntry,
  crmApiEnvironmentNames,
  gatewayRoutes,
  routesOfScope,
  type CrmApiScope,
  type GatewayRoute,
} from '../lambdas/crm-api';
import { environmentNames } from '../lambdas/shared/environment';
import { BridgeFunction } from './bridge-function';
import type { CampaignStore } from './campaigns';
import type { FollowUpSettings } from '../lambdas/crm';
import type { CrmStore } from './crm';
import type { EventStore } from './events';
import { accessLogFormat } from './ingest';
import { acceptNagFinding } from './nag';
import type { RateLimitStore } from './openphone';

export type CrmApiAuth = { auth: 'iam' } | { auth: 'jwt'; jwtIssuer: string; jwtAudience: string[] };

export interface CrmApiProps {
  /** The HTTP API the webhook route is on; the CRM API makes its own when there is none (WAF mode). */
  readonly api?: HttpApi;
  readonly crm: CrmStore;
  /** An erase blanks a person's raw webhook bodies here. */
  readonly events: EventStore;
  /** An erase removes a person's number from campaign recipients here. */
  readonly campaigns: CampaignStore;
  /** The stage's `retention.activitiesDays`: messages sent through the API expire as activities do. */
  readonly activityRetentionDays?: number;
  /** The media archive, for presigned links to archived media. */
  readonly mediaBucket: IBucket;
  /** The shared OpenPhone budget: `POST /v1/messages` takes interactive-lane tokens from it. */
  readonly rateLimit: RateLimitStore;
  /** The OpenPhone API key (`{"apiKey": "…"}`), read on the first send. */
  readonly apiKey: SecureParameter;
  /** A message without `from` goes from this number (E.164 or `PN…`). @default the workspace's only number */
  readonly defaultFrom?: string;
  /** Business hours and reply targets per sending number (the stage's `followUp`). @default the domain's defaults */
  readonly followUp?: FollowUpSettings;
  /** Who may call the API: IAM (grant per scope) or JWT (each route asks for its scope). @default IAM (SigV4) */
  readonly auth?: CrmApiAuth;
  /**
   * The longest a CRM writer (an event processor, the history import, this API) runs: an erase
   * sweeps again this long plus a minute after its first sweep, to reach what a writer that read
   * the erasure marker before the erase wrote after it. @default 5 minutes (the import's timeout)
   */
  readonly writersWindow?: Duration;
  readonly logRetention?: RetentionDays;
}

/** Beyond the writers' window: a request already sent when a writer timed out, and the index's lag. */
const secondSweepMargin = Duration.minutes(1);

/**
 * The CRM's side of the bridge: `/v1/…` on the HTTP API, one route per row of the routes table,
 * each behind an authorizer (IAM by default, or a JWT authorizer) and needing its scope, answered
 * by one Lambda: reads, one message at a time (through the interactive lane of the shared
 * OpenPhone budget), contact writes through OpenPhone, suppression changes and erasures.
 */
export class CrmApi extends Construct {
  readonly api: HttpApi;
  readonly apiFunction: IFunction;
  /** An erase's second sweep: waits out the writers' window, then has the API function sweep again. */
  readonly eraseSecondSweep: StateMachine;
  /** The API's base URL (`https://…/v1`). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: CrmApiProps) {
    super(scope, id);
    // Named, so the function can start it by ARN while the machine invokes the function (no cycle).
    const secondSweepName = `${Stack.of(this).stackName}-EraseSecondSweep`;
    const secondSweepArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: secondSweepName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const fn = new BridgeFunction(this, 'ApiFunction', {
      entry: crmApiEntry,
      description: 'CRM API: activities, timelines, contacts, messages and suppressions',
      // A send may wait 2 s for a token, 8 s for OpenPhone and 8 s for a racing request with the
      // same key; API Gateway gives up at 30 s.
      timeout: Duration.seconds(25),
      logRetention: props.logRetention,
      environment: {
        [environmentNames.crmTable]: props.crm.table.tableName,
        [environmentNames.mediaBucket]: props.mediaBucket.bucketName,
        [environmentNames.rateLimitTable]: props.rateLimit.table.tableName,
        [environmentNames.openPhoneApiKeyParameter]: props.apiKey.parameterName,
        ...(props.defaultFrom ? { [environmentNames.messagesDefaultFrom]: props.defaultFrom } : {}),
        [environmentNames.eventsTable]: props.events.table.tableName,
        [environmentNames.campaignTable]: props.campaigns.table.tableName,
        ...(props.activityRetentionDays
          ? { [environmentNames.activityRetentionDays]: String(props.activityRetentionDays) }
          : {}),
        ...(props.followUp ? { [environmentNames.followUp]: JSON.stringify(props.followUp) } : {}),
        [crmApiEnvironmentNames.eraseSecondSweep]: secondSweepArn,
      },
    });
    props.crm.grantRecordRead(fn);
    // Writes CRM items by key (its messages, contacts, suppressions, an erase and its held second
    // sweep), never through an index.
    props.crm.grantApiWrite(fn);
    props.crm.grantErase(fn);
    props.events.grantPayloadErase(fn);
    props.campaigns.grantRecipientErase(fn);
    props.rateLimit.grantAcquire(fn);
    props.apiKey.grantRead(fn);
    // Presigned links are signed with this role; an erase deletes a person's archived objects.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:DeleteObject'],
        resources: [props.mediaBucket.arnForObjects('media/*')],
      }),
    );
    acceptNagFinding(
      fn,
      `IAM5[Resource::<${Stack.of(this).getLogicalId(props.mediaBucket.node.defaultChild as CfnBucket)}.Arn>/media/*]`,
      'Archived media are keyed per activity under media/: a presigned link (GetObject) or an erase (DeleteObject) may be for any of them.',
    );
    this.apiFunction = fn;
    this.eraseSecondSweep = this.secondSweep(fn, secondSweepName, props);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [secondSweepArn] }),
    );
    this.api = props.api ?? this.ownApi(props.logRetention);
    const auth = props.auth ?? { auth: 'iam' };
    const authorizer: IHttpRouteAuthorizer =
      auth.auth === 'jwt'
        ? new HttpJwtAuthorizer('CrmApiJwt', auth.jwtIssuer, { jwtAudience: auth.jwtAudience })
        : new HttpIamAuthorizer();
    // One route per row of the routes table, each needing its scope: a token or role allowed to
    // read cannot reach a send, a contact write, a suppression change or an erase.
    const integration = new HttpLambdaIntegration('CrmApiIntegration', fn);
    for (const route of gatewayRoutes())
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer,
        ...(auth.auth === 'jwt' ? { authorizationScopes: [route.scope] } : {}),
      });
    this.url = `https://${this.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/v1`;
  }

  /**
   * Wait, then `{ secondSweep: { sweepId } }` to the API function (retried: an erase must not stop
   * halfway). The input names a sweep held in the CRM table, never the number: Step Functions keeps
   * it 90 days.
   */
  private secondSweep(fn: IFunction, stateMachineName: string, props: CrmApiProps): StateMachine {
    const wait = new Wait(this, 'WritersWindow', {
      time: WaitTime.duration((props.writersWindow ?? Duration.minutes(5)).plus(secondSweepMargin)),
    });
    const sweep = new LambdaInvoke(this, 'SweepAgain', { lambdaFunction: fn, payloadResponseOnly: true });
    sweep.addRetry({
      errors: ['States.ALL'],
      interval: Duration.seconds(30),
      maxAttempts: 6,
      backoffRate: 2,
    });
    const logs = new LogGroup(this, 'EraseSecondSweepLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const machine = new StateMachine(this, 'EraseSecondSweep', {
      stateMachineName,
      definitionBody: DefinitionBody.fromChainable(wait.next(sweep)),
      tracingEnabled: true,
      // No execution data: the input is only a held sweep's id (and an execution started before
      // sweeps were held by id names the number); the output, the counts, is in the function's log.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.hours(2),
    });
    acceptNagFinding(
      machine,
      'IAM5[Resource::*]',
      'CloudWatch Logs delivery (logs:CreateLogDelivery, …) and X-Ray tracing support no resource-level permissions.',
    );
    acceptNagFinding(
      machine,
      `IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
      'Invoking the API function by any version or alias is what the LambdaInvoke task grants.',
    );
    return machine;
  }

  /** With the webhook on a REST API (WAF), an HTTP API of its own: throttled, with access logs. */
  private ownApi(logRetention: RetentionDays | undefined): HttpApi {
    const api = new HttpApi(this, 'HttpApi', {
      description: 'OpenPhone Bridge CRM API',
      createDefaultStage: false,
    });
    api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { retention: logRetention ?? RetentionDays.ONE_MONTH }),
        ),
        format: accessLogFormat(),
      },
    });
    return api;
  }

  /** Lets a principal (the CRM's role or function) call every route with SigV4 (IAM auth). */
  grantInvoke(grantee: IGrantable): Grant {
    return this.grantRoutes(grantee, gatewayRoutes());
  }

  /** Every GET (`crm/read`): a reporting role, say. */
  grantRead(grantee: IGrantable): Grant {
    return this.grantScope(grantee, 'crm/read');
  }

  /** `POST /v1/messages` (`crm/send`): texts from the business number. */
  grantSend(grantee: IGrantable): Grant {
    return this.grantScope(grantee, 'crm/send');
  }

  /** Contact writes (`crm/contacts`): `POST /v1/contacts`, `PUT /v1/contacts/{id}`. */
  grantContacts(grantee: IGrantable): Grant {
    return this.grantScope(grantee, 'crm/contacts');
  }

  /** Suppression changes (`crm/suppressions`), lifting opt-outs included. */
  grantSuppressions(grantee: IGrantable): Grant {
    return this.grantScope(grantee, 'crm/suppressions');
  }

  /** Conversation writes (`crm/conversations`): mark done or open, create tasks on a conversation. */
  grantConversations(grantee: IGrantable): Grant {
    return this.grantScope(grantee, 'crm/conversations');
  }

  /** `DELETE /v1/contacts/{phone}/data` (`crm/erase`): erasing a person. */
  grantErase(grantee: IGrantable): Grant {
    return this.grantScope(grantee, 'crm/erase');
  }

  private grantScope(grantee: IGrantable, scope: CrmApiScope): Grant {
    return this.grantRoutes(grantee, routesOfScope(scope));
  }

  /** `execute-api:Invoke` on these routes only, in any stage: IAM matches the request's path, variables as `*`. */
  private grantRoutes(grantee: IGrantable, routes: GatewayRoute[]): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: routes.map((route) => this.api.arnForExecuteApi(route.method, route.invokePath)),
    });
  }
}
