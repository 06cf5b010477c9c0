import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import {
  secondSweepInvocation,
  stateMachineSecondSweep,
} from '../../../lambdas/crm-api/adapters/second-sweep-scheduler';

const sfn = new SFNClient({ region: 'us-east-1' });
const mocked = mockClient(sfn);
afterEach(() => mocked.reset());

describe("an erase's second sweep, scheduled on the state machine", () => {
  it('starts one execution whose input the function reads back as a second sweep', async () => {
    mocked.on(StartExecutionCommand).resolves({});
    const sweep = {
      phoneNumber: '+15555550123',
      erasedAt: '2026-12-07T10:00:00.000Z',
      conversationKeys: ['CN1'],
    };

    await stateMachineSecondSweep(
      sfn,
      'arn:aws:states:us-east-1:1:stateMachine:Test-EraseSecondSweep',
    ).schedule(sweep);

    const [call] = mocked.commandCalls(StartExecutionCommand);
    expect(call!.args[0].input.stateMachineArn).toMatch(/Test-EraseSecondSweep$/);
    expect(secondSweepInvocation.parse(JSON.parse(call!.args[0].input.input!))).toEqual({
      secondSweep: sweep,
    });
  });

  it('refuses a malformed invocation naming the missing field', () => {
    const parsed = secondSweepInvocation.safeParse({ secondSweep: { phoneNumber: '+15555550123' } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toContain('secondSweep.erasedAt');
  });
});
