import { Duration, Stack } from 'aws-cdk-lib';
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
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { crmApiEntry, crmApiRoutes } from '../lambdas/crm-api';
import { environmentNames } from '../lambdas/shared/environment';
import { BridgeFunction } from './bridge-function';
import type { FollowUpSettings } from '../lambdas/crm';
import type { CrmStore } from './crm';
import { accessLogFormat } from './ingest';
import { acceptNagFinding } from './nag';
import type { RateLimitStore } from './openphone';

/** The methods the CRM API answers, as its routes table declares them; every one is behind the authorizer. */
const crmApiMethods = [...new Set(Object.values(crmApiRoutes).map((route) => HttpMethod[route.method]))];

export type CrmApiAuth = { auth: 'iam' } | { auth: 'jwt'; jwtIssuer: string; jwtAudience: string[] };

export interface CrmApiProps {
  /** The HTTP API the webhook route is on; the CRM API makes its own when there is none (WAF mode). */
  readonly api?: HttpApi;
  readonly crm: CrmStore;
  /** The media archive, for presigned links to archived media. */
  readonly mediaBucket: IBucket;
  /** The shared OpenPhone budget: `POST /v1/messages` takes interactive-lane tokens from it. */
  readonly rateLimit: RateLimitStore;
  /** The OpenPhone API key (`{"apiKey": "…"}`), read on the first send. */
  readonly apiKey: ISecret;
  /** A message without `from` goes from this number (E.164 or `PN…`). @default the workspace's only number */
  readonly defaultFrom?: string;
  /** Business hours and reply targets per sending number (the stage's `followUp`). @default the domain's defaults */
  readonly followUp?: FollowUpSettings;
  /** Who may call the API. @default IAM (SigV4) */
  readonly auth?: CrmApiAuth;
  readonly logRetention?: RetentionDays;
}

/**
 * The CRM's side of the bridge: `/v1/…` on the HTTP API, every route behind an authorizer (IAM by
 * default, or a JWT authorizer), answered by one Lambda: reads, one message at a time (through
 * the interactive lane of the shared OpenPhone budget), contact writes through OpenPhone and
 * suppression changes.
 */
export class CrmApi extends Construct {
  readonly api: HttpApi;
  readonly apiFunction: IFunction;
  /** The API's base URL (`https://…/v1`). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: CrmApiProps) {
    super(scope, id);
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
        [environmentNames.openPhoneApiKeySecret]: props.apiKey.secretArn,
        ...(props.defaultFrom ? { [environmentNames.messagesDefaultFrom]: props.defaultFrom } : {}),
        ...(props.followUp ? { [environmentNames.followUp]: JSON.stringify(props.followUp) } : {}),
      },
    });
    props.crm.grantRecordRead(fn);
    // Writes CRM items by key (its messages, contacts, suppressions, an erase), never through an index.
    props.crm.grantApiWrite(fn);
    props.crm.grantErase(fn);
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
    this.api = props.api ?? this.ownApi(props.logRetention);
    const auth = props.auth ?? { auth: 'iam' };
    const authorizer: IHttpRouteAuthorizer =
      auth.auth === 'jwt'
        ? new HttpJwtAuthorizer('CrmApiJwt', auth.jwtIssuer, { jwtAudience: auth.jwtAudience })
        : new HttpIamAuthorizer();
    this.api.addRoutes({
      path: '/v1/{proxy+}',
      methods: crmApiMethods,
      integration: new HttpLambdaIntegration('CrmApiIntegration', fn),
      authorizer,
    });
    this.url = `https://${this.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/v1`;
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

  /** Lets a principal (the CRM's role or function) call the API with SigV4 (IAM auth): every route. */
  grantInvoke(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: crmApiMethods.map((method) => this.api.arnForExecuteApi(method, '/v1/*')),
    });
  }

  /** Lets a principal only read (GET) through the API: a reporting role, say. */
  grantRead(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api.arnForExecuteApi('GET', '/v1/*')],
    });
  }
}
