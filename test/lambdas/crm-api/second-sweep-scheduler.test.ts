import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { HeldSecondSweeps } from '../../../lambdas/crm';
import { stateMachineSecondSweep } from '../../../lambdas/crm-api/adapters/second-sweep-scheduler';
import { readSecondSweepInvocation } from '../../../lambdas/crm-api/domain/second-sweep-invocation';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';

const sfn = new SFNClient({ region: 'us-east-1' });
const mocked = mockClient(sfn);
afterEach(() => mocked.reset());

const phoneNumber = '+15555550123';
const sweep = {
  phoneNumber,
  erasedAt: '2026-12-07T10:00:00.000Z',
  conversationKeys: ['CN1', `PNline01~${phoneNumber}`],
};

describe("an erase's second sweep, scheduled on the state machine", () => {
  it('starts one execution whose input is an id alone, the sweep held in the CRM table for a day', async () => {
    mocked.on(StartExecutionCommand).resolves({});
    const documents = localDocumentClient();
    const crmTable = tableNamed(await createBridgeTables(), 'CrmTable');
    const now = new Date('2026-12-07T10:00:05.000Z');
    const heldSweeps = new HeldSecondSweeps(documents, crmTable, { now: () => now });

    await stateMachineSecondSweep(
      sfn,
      'arn:aws:states:us-east-1:1:stateMachine:Test-EraseSecondSweep',
      heldSweeps,
    ).schedule(sweep);

    const [call] = mocked.commandCalls(StartExecutionCommand);
    expect(call!.args[0].input.stateMachineArn).toMatch(/Test-EraseSecondSweep$/);
    const input = call!.args[0].input.input!;
    // Step Functions keeps an execution's input 90 days: neither the number nor its digits.
    expect(input).not.toContain(phoneNumber);
    expect(input).not.toContain(phoneNumber.slice(1));
    expect(input).not.toContain('5550123');
    expect(input).not.toContain('PNline01');
    const invocation = readSecondSweepInvocation(JSON.parse(input));
    expect(invocation).toEqual({ secondSweep: { sweepId: expect.any(String) } });
    const { sweepId } = invocation.secondSweep as { sweepId: string };
    expect(await heldSweeps.held(sweepId)).toEqual(sweep);
    const { Item } = await documents.send(
      new GetCommand({ TableName: crmTable, Key: { pk: `ERASESWEEP#${sweepId}`, sk: 'ERASESWEEP' } }),
    );
    expect(Item!.expiresAt).toBe(now.getTime() / 1000 + 86_400);
  });

  it('starts no execution when the sweep could not be held', async () => {
    mocked.on(StartExecutionCommand).resolves({});
    const heldSweeps = new HeldSecondSweeps(localDocumentClient(), 'no-such-table');

    await expect(
      stateMachineSecondSweep(sfn, 'arn:aws:states:us-east-1:1:stateMachine:X', heldSweeps).schedule(sweep),
    ).rejects.toThrow();
    expect(mocked.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe("the state machine's call of a second sweep", () => {
  it('reads an id, or the sweep itself as an execution started before sweeps were held by id', () => {
    expect(readSecondSweepInvocation({ secondSweep: { sweepId: 'abc' } })).toEqual({
      secondSweep: { sweepId: 'abc' },
    });
    expect(readSecondSweepInvocation({ secondSweep: sweep })).toEqual({ secondSweep: sweep });
  });

  it('refuses a malformed invocation naming the missing field', () => {
    const fieldsOf = (event: unknown) => {
      try {
        readSecondSweepInvocation(event);
      } catch (error) {
        return (error as { issues: { path: PropertyKey[] }[] }).issues.map((i) => i.path.join('.'));
      }
      throw new Error('accepted');
    };
    expect(fieldsOf({ secondSweep: { phoneNumber } })).toContain('secondSweep.erasedAt');
    expect(fieldsOf({ secondSweep: { sweepId: '' } })).toContain('secondSweep.sweepId');
  });
});
