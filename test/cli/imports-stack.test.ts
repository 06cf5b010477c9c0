import { SFNClient, StartExecutionCommand, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { StepFunctionsImportLauncher } from '../../cli/step-functions-launcher';

const sfnMock = mockClient(SFNClient);
afterEach(() => sfnMock.reset());

describe('imports start against a stack', () => {
  const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Bridge-HistoryImport';
  const request = {
    importId: 'full-1',
    kind: 'full' as const,
    scope: { phoneNumbers: ['PN1'], includeContacts: false },
    invocation: 0,
  };

  it('starts an execution of the state machine with the input the schedule uses', async () => {
    sfnMock
      .on(StartExecutionCommand)
      .resolves({ executionArn: 'arn:aws:states:eu-west-1:1:execution:x:1', startDate: new Date() });
    const launcher = new StepFunctionsImportLauncher(arn, new SFNClient({ region: 'eu-west-1' }));

    expect(await launcher.start(request)).toEqual({
      runsAs: 'as execution arn:aws:states:eu-west-1:1:execution:x:1',
    });
    const [call] = sfnMock.commandCalls(StartExecutionCommand);
    expect(call!.args[0].input.stateMachineArn).toBe(arn);
    // The run's own fields only: the invocation counter belongs to the workflow.
    expect(JSON.parse(call!.args[0].input.input!)).toEqual({
      importId: 'full-1',
      kind: 'full',
      scope: { phoneNumbers: ['PN1'], includeContacts: false },
    });
  });

  it('reports a refusal in one line naming its reason', async () => {
    sfnMock
      .on(StartExecutionCommand)
      .rejects(new StateMachineDoesNotExist({ message: 'gone', $metadata: {} }));
    const launcher = new StepFunctionsImportLauncher(arn, new SFNClient({ region: 'eu-west-1' }));

    await expect(launcher.start(request)).rejects.toThrow(
      'Step Functions refused StartExecution (StateMachineDoesNotExist): gone',
    );
  });
});
