import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ImportRequest } from '../lambdas/domain/import-plan';
import { CommandFailure } from './errors';
import type { ImportLauncher } from './target';

/** What a SigV4 signer does to a request (the shape of `@smithy/signature-v4`'s `sign`). */
interface RequestSigner {
  sign(request: SignableRequest): Promise<SignableRequest>;
}
interface SignableRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Starts import runs as executions of the stack's state machine, with the input the schedule uses.
 * The project has no Step Functions client package, so StartExecution is one signed JSON request,
 * signed by the DynamoDB client's own SigV4 signer and credentials (same profile, same region).
 */
export class StepFunctionsImportLauncher implements ImportLauncher {
  constructor(
    private readonly stateMachineArn: string,
    private readonly dynamo: DynamoDBClient,
    private readonly options: { endpoint?: string; fetchImpl?: typeof fetch } = {},
  ) {}

  async start(request: ImportRequest): Promise<{ runsAs: string }> {
    const region = this.stateMachineArn.split(':')[3];
    if (!region) throw new CommandFailure(`${this.stateMachineArn} is not a state machine ARN`);
    const url = new URL(this.options.endpoint ?? `https://states.${region}.amazonaws.com/`);
    const { importId, kind, scope } = request;
    const body = JSON.stringify({
      stateMachineArn: this.stateMachineArn,
      input: JSON.stringify({ importId, kind, scope }),
    });
    const signerOf = (
      this.dynamo.config as unknown as {
        signer: (scheme: object) => Promise<RequestSigner>;
      }
    ).signer;
    const signer = await signerOf({
      name: 'sigv4',
      signingName: 'states',
      signingRegion: region,
      properties: {},
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.StartExecution',
      },
      body,
    });
    const response = await (this.options.fetchImpl ?? globalThis.fetch)(url, {
      method: 'POST',
      headers: signed.headers,
      body,
    });
    const answer = (await response.json().catch(() => ({}))) as {
      executionArn?: string;
      __type?: string;
      message?: string;
      Message?: string;
    };
    if (!response.ok) {
      const type = (answer.__type ?? `HTTP ${response.status}`).split('#').at(-1)!;
      throw new CommandFailure(
        `Step Functions refused StartExecution (${type}): ${answer.message ?? answer.Message ?? 'no reason given'}`,
      );
    }
    return { runsAs: `as execution ${answer.executionArn ?? '(unknown)'}` };
  }
}
