import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BridgeStack } from '../../lib/bridge-stack';
import { readStageConfig } from '../../lib/config';

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

describe('CrmApi', () => {
  const { template } = bridge();

  it('is GET/POST/PUT/DELETE /v1/{proxy+} on the webhook HTTP API, behind IAM (SigV4), beside the open webhook route', () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE'])
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${method} /v1/{proxy+}`,
        AuthorizationType: 'AWS_IAM',
      });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /webhooks/openphone',
      AuthorizationType: 'NONE',
    });
    template.hasOutput('CrmApiUrl', {});
  });

  it('reads CRM records and archived media, writes CRM items by key, and reaches OpenPhone through the shared limit', () => {
    const statements = statementsOf(template, 'CrmApiApiFunction') as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(actions).toEqual(
      [
        // Reads; an erase's puts and batch deletes (grantErase).
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
        // The OpenPhone API key and the rate-limit bucket.
        'secretsmanager:GetSecretValue',
        'secretsmanager:DescribeSecret',
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
    const secretRead = statements.find((s) => JSON.stringify(s.Action).includes('secretsmanager'))!;
    expect(JSON.stringify(secretRead.Resource)).toMatch(/SecretsOpenPhoneApiKey/);
    const functions = template.findResources('AWS::Lambda::Function');
    const [api] = Object.entries(functions).filter(([id]) => id.includes('CrmApiApiFunction'));
    const variables = (api![1] as { Properties: { Environment: { Variables: Record<string, unknown> } } })
      .Properties.Environment.Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining(['OPENPHONE_API_KEY_SECRET_ID', 'RATE_LIMIT_TABLE_NAME']),
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

  it('lets a CRM role call every route through grantInvoke, and a reporting role only read', () => {
    const fresh = new BridgeStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test', {
      config: readStageConfig({ stage: 'test' }),
    });
    const crm = new Role(fresh, 'CrmRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const reporting = new Role(fresh, 'ReportingRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    fresh.crmApi.grantInvoke(crm);
    fresh.crmApi.grantRead(reporting);
    const synthesized = Template.fromStack(fresh);
    const crmStatements = JSON.stringify(statementsOf(synthesized, 'CrmRole'));
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) expect(crmStatements).toContain(`/${method}/v1/*`);
    const readStatements = statementsOf(synthesized, 'ReportingRole') as { Action: string }[];
    expect(readStatements).toEqual([
      expect.objectContaining({ Action: 'execute-api:Invoke', Resource: expect.anything() }),
    ]);
    expect(JSON.stringify(readStatements)).toContain('/GET/v1/*');
    expect(JSON.stringify(readStatements)).not.toMatch(/\/(POST|PUT|DELETE)\//);
  });

  it('takes a JWT authorizer from the stage config, for a CRM outside AWS', () => {
    const jwt = bridge({
      test: { crmApi: { auth: 'jwt', jwtIssuer: 'https://auth.example.com/', jwtAudience: ['crm'] } },
    }).template;
    jwt.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['crm'] },
    });
    jwt.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /v1/{proxy+}',
      AuthorizationType: 'JWT',
    });
    expect(() => readStageConfig({ stage: 'test', stages: { test: { crmApi: { auth: 'jwt' } } } })).toThrow(
      /crmApi/,
    );
  });

  it('gets its own HTTP API when the webhook sits behind WAF on a REST API', () => {
    const waf = bridge({ test: { waf: { enabled: true } } }).template;
    waf.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    waf.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /v1/{proxy+}',
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
