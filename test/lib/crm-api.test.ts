import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BridgeStack } from '../../lib/bridge-stack';
import { readStageConfig } from '../../lib/config';
import { crmApiRoutes, gatewayRoutes, routesOfScope, type CrmApiScope } from '../../lambdas/crm-api';

function bridge(stages: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BridgeStack(app, 'Test', { config: readStageConfig({ stage: 'test', stages }) });
  return { app, stack, template: Template.fromStack(stack) };
}

const statementsOf = (template: Template, fragment: string) =>
  Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.includes(fragment))
    .flatMap(
      ([, p]) =>
        (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
          .Statement,
    );

/** A request path a route answers: each variable filled with an encoded E.164 number. */
const sampleRequest = (path: string) => path.replace(/\{\w+\}/g, '%2B15555550123');

/**
 * What an `execute-api` ARN (an Fn::Join, as JSON) lets through after the API id: `stage/METHOD/path`,
 * with IAM's `*` matching any run of characters, `/` included.
 */
function invokeResourcePattern(arnJson: string): RegExp {
  const tail = /"\}?,?"(\/[^"]*)"\]\]\}$/.exec(arnJson)?.[1];
  if (!tail) throw new Error(`not an execute-api ARN: ${arnJson}`);
  const escaped = tail
    .slice(1)
    .split('*')
    .map((part) => part.replace(/[.?+^$()[\]{}|\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`);
}

describe('CrmApi', () => {
  const { template } = bridge();

  it('is one route per row of the routes table on the webhook HTTP API, each behind IAM (SigV4), beside the open webhook route', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r as { Properties: { RouteKey: string; AuthorizationType: string } }).Properties,
    );
    const crmRoutes = routes.filter((r) => r.RouteKey.includes(' /v1/'));
    expect(crmRoutes.map((r) => r.RouteKey).sort()).toEqual(
      gatewayRoutes()
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
    expect(crmRoutes.filter((r) => r.AuthorizationType !== 'AWS_IAM')).toEqual([]);
    expect(crmRoutes.map((r) => r.RouteKey)).not.toContainEqual(expect.stringContaining('{proxy+}'));
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /webhooks/openphone',
      AuthorizationType: 'NONE',
    });
    template.hasOutput('CrmApiUrl', {});
  });

  it('sweeps an erased person again once the longest CRM writer has timed out, through the API function', () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')).filter((m) =>
      JSON.stringify(m).includes('EraseSecondSweep'),
    ) as { Properties: { DefinitionString: unknown } }[];
    const definition = JSON.stringify(machine!.Properties.DefinitionString);
    // The import's 5-minute timeout is the longest writer's; a minute more for a request in flight.
    expect(definition).toMatch(/\\"Type\\":\\"Wait\\",\\"Seconds\\":360/);
    expect(definition).toContain('CrmApiApiFunction');
    const start = statementsOf(template, 'CrmApiApiFunction').find((s) =>
      JSON.stringify(s).includes('states:StartExecution'),
    );
    expect(JSON.stringify(start)).toContain(':stateMachine:Test-EraseSecondSweep');
  });

  it("logs the second sweep's executions without their data: no input, no output", () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')).filter((m) =>
      JSON.stringify(m).includes('EraseSecondSweep'),
    ) as { Properties: { LoggingConfiguration: { IncludeExecutionData: boolean; Level: string } } }[];
    // The input is only a held sweep's id; an execution started before that names the number.
    expect(machine!.Properties.LoggingConfiguration).toMatchObject({ IncludeExecutionData: false });
  });

  it('reads CRM records and archived media, writes CRM items by key, and reaches OpenPhone through the shared limit', () => {
    const statements = statementsOf(template, 'CrmApiApiFunction') as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(actions).toEqual(
      [
        // Reads; an erase's puts and batch deletes (grantErase); its held second sweep by key.
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        's3:DeleteObject',
        's3:GetObject',
        // Its messages, contact and suppression writes, on the CRM table by key only.
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        // An erase's second sweep, started by ARN.
        'states:StartExecution',
        // The OpenPhone API key and the rate-limit bucket.
        'ssm:GetParameter',
        'kms:Decrypt',
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
        // An erase's reach: webhook bodies (the byObject index, blanked by key) and campaign recipients.
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ].sort(),
    );
    const erasesBodies = statements.find(
      (s) => Array.isArray(s.Action) && s.Action.join() === 'dynamodb:Query,dynamodb:UpdateItem',
    )!;
    expect(JSON.stringify(erasesBodies.Resource)).toMatch(/EventsTable/);
    expect(JSON.stringify(erasesBodies.Resource)).toMatch(/index\/byObject/);
    const writes = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('dynamodb:PutItem'))!;
    expect(JSON.stringify(writes.Resource)).toMatch(/CrmStoreCrmTable/);
    expect(JSON.stringify(writes.Resource)).not.toMatch(/index/);
    const keyRead = statements.find((s) => JSON.stringify(s.Action).includes('ssm:GetParameter'))!;
    expect(JSON.stringify(keyRead.Resource)).toMatch(
      /:parameter\/openphone-bridge\/[a-z-]+\/openphone-api-key"/,
    );
    const functions = template.findResources('AWS::Lambda::Function');
    const [api] = Object.entries(functions).filter(([id]) => id.includes('CrmApiApiFunction'));
    const variables = (api![1] as { Properties: { Environment: { Variables: Record<string, unknown> } } })
      .Properties.Environment.Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining(['OPENPHONE_API_KEY_PARAMETER_NAME', 'RATE_LIMIT_TABLE_NAME']),
    );
  });

  it("passes the stage's default sending number to the function", () => {
    const withFrom = bridge({ test: { messages: { defaultFrom: '+15550001111' } } }).template;
    withFrom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MESSAGES_DEFAULT_FROM: '+15550001111' }) },
    });
    expect(() =>
      readStageConfig({ stage: 'test', stages: { test: { messages: { defaultFrom: '555' } } } }),
    ).toThrow(/messages\.defaultFrom/);
  });

  it('deletes archived objects only under media/, and writes only the CRM table (no index, no other table)', () => {
    const statements = statementsOf(template, 'CrmApiApiFunction') as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const erase = statements.find((s) => [s.Action].flat().includes('dynamodb:BatchWriteItem'))!;
    expect(JSON.stringify(erase.Resource)).toMatch(/CrmStoreCrmTable[^/]*Arn/);
    expect(JSON.stringify(erase.Resource)).not.toContain('index');
    const s3 = statements.find((s) => [s.Action].flat().includes('s3:DeleteObject'))!;
    expect(JSON.stringify(s3.Resource)).toContain('/media/*');
  });

  it('lets a CRM role call every route through grantInvoke, and each scoped grant only its own routes', () => {
    const fresh = new BridgeStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test', {
      config: readStageConfig({ stage: 'test' }),
    });
    const role = (id: string) =>
      new Role(fresh, id, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const grants = {
      CrmRole: (r: Role) => fresh.crmApi.grantInvoke(r),
      ReportingRole: (r: Role) => fresh.crmApi.grantRead(r),
      SenderRole: (r: Role) => fresh.crmApi.grantSend(r),
      ContactsRole: (r: Role) => fresh.crmApi.grantContacts(r),
      SuppressionsRole: (r: Role) => fresh.crmApi.grantSuppressions(r),
      EraserRole: (r: Role) => fresh.crmApi.grantErase(r),
      ConversationsRole: (r: Role) => fresh.crmApi.grantConversations(r),
    };
    for (const [id, grant] of Object.entries(grants)) grant(role(id));
    const synthesized = Template.fromStack(fresh);
    /** The routes a role may invoke: every route whose sample request one of its ARNs matches, as IAM would. */
    const reachable = (roleId: string) => {
      const statements = statementsOf(synthesized, roleId) as { Action: string; Resource: unknown }[];
      expect(statements.map((s) => s.Action)).toEqual(['execute-api:Invoke']);
      const patterns = [statements[0]!.Resource]
        .flat()
        .map((arn) => invokeResourcePattern(JSON.stringify(arn)));
      return gatewayRoutes()
        .filter((route) =>
          patterns.some((p) => p.test(`$default/${route.method}${sampleRequest(route.path)}`)),
        )
        .map((route) => route.name)
        .sort();
    };
    const namesOf = (scope: CrmApiScope) =>
      routesOfScope(scope)
        .map((r) => r.name)
        .sort();
    expect(reachable('CrmRole')).toEqual(Object.keys(crmApiRoutes).sort());
    expect(reachable('ReportingRole')).toEqual(namesOf('crm/read'));
    expect(reachable('ReportingRole')).not.toEqual(
      expect.arrayContaining(['sendMessage', 'eraseContactData', 'liftSuppression', 'updateContact']),
    );
    expect(reachable('SenderRole')).toEqual(['sendMessage']);
    expect(reachable('ContactsRole')).toEqual(['createContact', 'updateContact']);
    expect(reachable('SuppressionsRole')).toEqual(['liftSuppression', 'settleReview', 'suppressNumber']);
    expect(reachable('EraserRole')).toEqual(['eraseContactData']);
    expect(reachable('ConversationsRole')).toEqual([
      'createConversationTask',
      'markConversationDone',
      'markConversationOpen',
    ]);
  });

  it('takes a JWT authorizer from the stage config, for a CRM outside AWS, and asks each route for its scope', () => {
    const jwt = bridge({
      test: { crmApi: { auth: 'jwt', jwtIssuer: 'https://auth.example.com/', jwtAudience: ['crm'] } },
    }).template;
    jwt.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['crm'] },
    });
    const scopesByRoute = Object.fromEntries(
      Object.values(jwt.findResources('AWS::ApiGatewayV2::Route'))
        .map(
          (r) =>
            (
              r as {
                Properties: { RouteKey: string; AuthorizationType: string; AuthorizationScopes?: string[] };
              }
            ).Properties,
        )
        .filter((r) => r.RouteKey.includes(' /v1/'))
        .map((r) => [r.RouteKey, [r.AuthorizationType, ...(r.AuthorizationScopes ?? [])]]),
    );
    expect(Object.keys(scopesByRoute)).toHaveLength(gatewayRoutes().length);
    for (const route of gatewayRoutes())
      expect([route.name, scopesByRoute[`${route.method} ${route.path}`]]).toEqual([
        route.name,
        ['JWT', route.scope],
      ]);
    // A token holding crm/read only: every route it passes is a GET.
    const readable = Object.entries(scopesByRoute)
      .filter(([, [, ...scopes]]) => scopes.includes('crm/read'))
      .map(([key]) => key);
    expect(readable.filter((key) => !key.startsWith('GET '))).toEqual([]);
    expect(scopesByRoute).toMatchObject({
      'POST /v1/messages': ['JWT', 'crm/send'],
      'POST /v1/contacts': ['JWT', 'crm/contacts'],
      'DELETE /v1/suppressions/{phone}': ['JWT', 'crm/suppressions'],
      'POST /v1/conversations/{id}/done': ['JWT', 'crm/conversations'],
      'POST /v1/conversations/{id}/tasks': ['JWT', 'crm/conversations'],
    });
    expect(Object.entries(scopesByRoute).find(([key]) => key.endsWith('/data'))).toEqual([
      expect.stringMatching(/^DELETE \/v1\/contacts\/\{\w+\}\/data$/),
      ['JWT', 'crm/erase'],
    ]);
    expect(() => readStageConfig({ stage: 'test', stages: { test: { crmApi: { auth: 'jwt' } } } })).toThrow(
      /crmApi/,
    );
  });

  it('gets its own HTTP API when the webhook sits behind WAF on a REST API', () => {
    const waf = bridge({ test: { waf: { enabled: true } } }).template;
    waf.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    waf.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /v1/activities/{id}',
      AuthorizationType: 'AWS_IAM',
    });
  });

  it('passes cdk-nag with nothing unacknowledged', () => {
    const { app, stack: nagged } = bridge();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
    const errors = Annotations.fromStack(nagged).findError(
      '*',
      Match.stringLikeRegexp('AwsSolutions-.*CrmApi'),
    );
    expect(errors).toEqual([]);
  });
});
