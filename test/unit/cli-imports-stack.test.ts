import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StepFunctionsImportLauncher } from '../../cli/step-functions-launcher';

describe('imports start against a stack', () => {
  it('sends a signed StartExecution with the input the schedule uses, and reports a refusal in one line', async () => {
    const requests: { headers: Record<string, unknown>; body: string }[] = [];
    let answer = {
      status: 200,
      body: { executionArn: 'arn:aws:states:eu-west-1:1:execution:x:1' } as object,
    };
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        requests.push({ headers: request.headers, body });
        response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const dynamo = new DynamoDBClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Bridge-HistoryImport';
    const launcher = new StepFunctionsImportLauncher(arn, dynamo, { endpoint });
    const request = {
      importId: 'full-1',
      kind: 'full' as const,
      scope: { phoneNumbers: ['PN1'], includeContacts: false },
      invocation: 0,
    };
    try {
      expect(await launcher.start(request)).toEqual({
        runsAs: 'as execution arn:aws:states:eu-west-1:1:execution:x:1',
      });
      const [sent] = requests;
      expect(sent!.headers['x-amz-target']).toBe('AWSStepFunctions.StartExecution');
      expect(String(sent!.headers.authorization)).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/states\/aws4_request/,
      );
      const body = JSON.parse(sent!.body) as { stateMachineArn: string; input: string };
      expect(body.stateMachineArn).toBe(arn);
      expect(JSON.parse(body.input)).toEqual({
        importId: 'full-1',
        kind: 'full',
        scope: { phoneNumbers: ['PN1'], includeContacts: false },
      });

      answer = { status: 400, body: { __type: 'com.amazon#StateMachineDoesNotExist', message: 'gone' } };
      await expect(launcher.start(request)).rejects.toThrow(
        'Step Functions refused StartExecution (StateMachineDoesNotExist): gone',
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
      dynamo.destroy();
    }
  });
});
