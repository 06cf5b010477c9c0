import { startLocalReplica, type LocalReplica } from '../../local/replica';
import { bridgeTemplate } from './dynamo';

/** A local replica on the tests' DynamoDB Local and a free port, writing replica.json into `stateDir`. */
export function startTestReplica(stateDir: string, log: (line: string) => void): Promise<LocalReplica> {
  return startLocalReplica({
    port: 0,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
    template: bridgeTemplate(),
    log,
    stateDir,
  });
}
