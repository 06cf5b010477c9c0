import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { assertJavaAvailable, startDynamoDbLocal } from '../../local/dynamodb-local';

/**
 * Once per jest run, side by side: start one DynamoDB Local (every test file makes its own uniquely
 * named tables) and synthesize the stack in a plain Node process (aws-cdk-lib loads slowly in jest).
 */
export default async function globalSetup(): Promise<void> {
  try {
    assertJavaAvailable();
  } catch (error) {
    console.error(`\n${(error as Error).message}`); // one line, not a stack trace
    process.exit(1);
  }
  const templatePath = path.join(tmpdir(), `openphone-bridge-template-${process.pid}.json`);
  const synth = promisify(execFile)(process.execPath, [
    '--import',
    'tsx',
    path.join(__dirname, '../../local/synth.ts'),
    templatePath,
  ]);
  const dynamo = await startDynamoDbLocal();
  await synth;
  process.env.BRIDGE_TEMPLATE_PATH = templatePath;
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  (globalThis as { __dynamoDbLocal?: typeof dynamo }).__dynamoDbLocal = dynamo;
}
