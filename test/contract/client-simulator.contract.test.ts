import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OpenPhoneClient } from '../../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../../lambdas/openphone/adapters/rate-limiter';
import { localAwsConfig } from '../../local/local-pipeline';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { createBridgeTables, tableNamed } from '../support/dynamo';
import { createOpenApiValidator, loadOpenApiDocument } from '../support/openapi';

const document = loadOpenApiDocument();

describe('the client, through the shared DynamoDB rate limiter, against the simulated OpenPhone', () => {
  let simulator: OpenPhoneSimulator;
  let tableName: string;
  const requests: { method: string; url: string; body?: unknown }[] = [];

  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({
      seed: 7,
      workspace: {
        phoneNumbers: 2,
        conversationsPerNumber: 3,
        messagesPerConversation: 30,
        callsPerConversation: 4,
      },
    });
    tableName = tableNamed(await createBridgeTables(), 'RateLimit');
  }, 120_000);
  afterAll(() => simulator.stop());

  function clientFor(lane: 'interactive' | 'import') {
    const limiter = new SharedTokenBucket({
      client: new DynamoDBClient(localAwsConfig(process.env.DYNAMODB_ENDPOINT!)),
      tableName,
      apiKey: simulator.apiKey,
    });
    const recordingFetch: typeof fetch = async (input, init) => {
      requests.push({
        method: init?.method ?? 'GET',
        url: String(input),
        ...(init?.body ? { body: JSON.parse(String(init.body)) } : {}),
      });
      return fetch(input, init);
    };
    return new OpenPhoneClient({
      apiKey: simulator.apiKey,
      rateLimiter: limiter,
      baseUrl: simulator.url,
      lane,
      fetch: recordingFetch,
    });
  }

  it('walks every message of a conversation from four concurrent callers without a single 429', async () => {
    const [number] = await clientFor('interactive').listPhoneNumbers();
    const conversation = simulator.workspace.conversations().find((c) => c.phoneNumberId === number!.id)!;
    const participant = conversation.participant;
    const expected = simulator.workspace
      .activitiesOf(conversation)
      .filter((a) => a.kind === 'message')
      .map((a) => a.id)
      .sort();

    const walks = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const ids: string[] = [];
        for await (const page of clientFor('import').listMessages({
          phoneNumberId: number!.id,
          participants: [participant],
          maxResults: 5,
        })) {
          ids.push(...page.data.map((m) => m.id));
        }
        return ids;
      }),
    );
    expect(expected.length).toBeGreaterThan(5);
    for (const ids of walks) expect([...ids].sort()).toEqual(expected);
    expect(simulator.requestLog.stats().rateLimited).toBe(0);
  }, 120_000);

  (document ? it : it.skip)("sends only requests that OpenPhone's OpenAPI document allows", () => {
    const validator = createOpenApiValidator(document!);
    const documented = requests.filter((r) =>
      validator.hasOperation(r.method as 'GET', new URL(r.url).pathname),
    );
    expect(documented.length).toBeGreaterThan(0);
    for (const request of documented) {
      expect({
        request: `${request.method} ${request.url}`,
        ...validator.validateRequestUrl(request.method as 'GET', request.url, request.body),
      }).toMatchObject({ valid: true });
    }
  });
});
