import { localTargetFrom, runningReplicaInfo } from '../cli/local-target';
import { CommandFailure } from '../cli/errors';
import { awsClients, stackOutputs, stackTarget } from '../cli/stack-target';
import type { Target, TargetOptions } from '../cli/target';
import { stackOutputNames } from '../lambdas/shared/stack-outputs';
import { localReplicaInfoFile, readCrmApiToken, type ReplicaInfo } from '../local/replica-info';
import { bearerToken, CrmApiClient, sigV4 } from './crm-api-client';

/** What the console acts on: the CLI's target, plus the CRM API of the same replica or stack. */
export interface ConsoleTarget {
  target: Target;
  api: CrmApiClient;
}

/** The replica's CRM API, with the bearer token it wrote beside replica.json. */
function localCrmApiClient(info: ReplicaInfo): CrmApiClient {
  if (!info.crmApi)
    throw new CommandFailure('the running local replica predates the console: restart `npm start`');
  return new CrmApiClient(info.crmApi.url, bearerToken(readCrmApiToken(info.crmApi.tokenFile)));
}

export function localConsoleTargetFrom(info: ReplicaInfo): ConsoleTarget {
  return { target: localTargetFrom(info), api: localCrmApiClient(info) };
}

/** The same choice as the CLI's: a deployed stack with --stack, else the running `npm start`. */
export async function resolveConsoleTarget(options: TargetOptions): Promise<ConsoleTarget> {
  if (options.stack) {
    const clients = awsClients(options);
    const outputs = await stackOutputs(clients.cloudFormation, options.stack);
    const target = await stackTarget(options.stack, clients, outputs);
    const url = outputs[stackOutputNames.crmApiUrl];
    if (!url)
      throw new CommandFailure(
        `stack ${options.stack} has no output ${stackOutputNames.crmApiUrl}: deploy this version first`,
      );
    const region = options.region ?? (await clients.cloudFormation.config.region());
    return {
      target,
      api: new CrmApiClient(url, sigV4({ region, ...(options.profile ? { profile: options.profile } : {}) })),
    };
  }
  // Checks that the replica runs, with the CLI's messages.
  return localConsoleTargetFrom(runningReplicaInfo(options.replicaFile ?? localReplicaInfoFile));
}
