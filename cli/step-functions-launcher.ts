import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ImportRequest } from '../lambdas/history-import';
import { CommandFailure } from './errors';
import type { ImportLauncher } from './target';

/** Starts import runs as executions of the stack's state machine, with the input the schedule uses. */
export class StepFunctionsImportLauncher implements ImportLauncher {
  constructor(
    private readonly stateMachineArn: string,
    private readonly stepFunctions: SFNClient,
  ) {}

  async start(request: ImportRequest): Promise<{ runsAs: string }> {
    const { importId, kind, scope } = request;
    try {
      const { executionArn } = await this.stepFunctions.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          input: JSON.stringify({ importId, kind, scope }),
        }),
      );
      return { runsAs: `as execution ${executionArn ?? '(unknown)'}` };
    } catch (error) {
      const { name, message } = error as Error;
      throw new CommandFailure(
        `Step Functions refused StartExecution (${name}): ${message || 'no reason given'}`,
      );
    }
  }
}
