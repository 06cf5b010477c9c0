import { startDynamoDbLocal } from '../../local/dynamodb-local';

/** One DynamoDB Local for the whole jest run; every test file makes its own uniquely named tables. */
export default async function globalSetup(): Promise<void> {
  const dynamo = await startDynamoDbLocal();
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  (globalThis as { __dynamoDbLocal?: typeof dynamo }).__dynamoDbLocal = dynamo;
}
