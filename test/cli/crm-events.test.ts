import { LocalCrmEventLog } from '../../cli/local-crm-event-log';
import { crmEventsOf } from '../../lambdas/crm-events';
import { crmEventAdminRoutes, LocalCrmEventBus } from '../../local/crm-events';
import { startLocalHttpApi } from '../../local/http-api';
import { runAgainst, testTarget } from '../support/cli';

describe('crm-events list, through the local admin API', () => {
  const bus = new LocalCrmEventBus();
  let api: Awaited<ReturnType<typeof startLocalHttpApi>>;
  let target: ReturnType<typeof testTarget>;

  beforeAll(async () => {
    await bus.put([
      ...crmEventsOf(
        {
          newImage: {
            entity: 'suppression',
            phoneNumber: '+15550001234',
            reason: 'opt-out',
            active: true,
            changedAt: '2026-11-30T11:00:00.000Z',
            reference: 'ACstop',
          },
        },
        { includeText: false },
      ),
      ...crmEventsOf(
        {
          newImage: {
            entity: 'activity',
            activityId: 'ACcli1',
            kind: 'call',
            createdAt: '2026-11-30T12:00:00.000Z',
          },
        },
        { includeText: false },
      ),
    ]);
    api = await startLocalHttpApi({ port: 0, routes: crmEventAdminRoutes(bus) });
    target = testTarget({ crmEvents: new LocalCrmEventLog({ baseUrl: api.url, token: 'unused' }) });
  });
  afterAll(() => api.stop());

  it('prints a table, oldest first, with the phone number masked', async () => {
    const { code, stdout } = await runAgainst(target, 'crm-events', 'list');
    expect(code).toBe(0);
    expect(stdout[0]).toBe('CRM events on the bus of the test target: 2 events');
    expect(stdout[2]).toMatch(
      /^2026-11-30T11:00:00.000Z\s+consent\.changed\s+…1234\s+suppression\s+[0-9a-f]{32}$/,
    );
    expect(stdout[3]).toMatch(/activity\.recorded\s+ACcli1\s+recorded/);
    expect(stdout.join('\n')).not.toContain('+15550001234');
  });

  it('filters by detail-type and prints JSON for another program', async () => {
    const { code, stdout } = await runAgainst(
      target,
      'crm-events',
      'list',
      '--type',
      'consent.changed',
      '--json',
    );
    expect(code).toBe(0);
    const events = JSON.parse(stdout.join('\n')) as { detailType: string; detail: { phoneNumber: string } }[];
    expect(events).toEqual([
      expect.objectContaining({
        detailType: 'consent.changed',
        detail: expect.objectContaining({ phoneNumber: '+15550001234' }),
      }),
    ]);
  });

  it('refuses a detail-type that does not exist, naming the choices (exit 2)', async () => {
    const { code, stderr } = await runAgainst(target, 'crm-events', 'list', '--type', 'activity.deleted');
    expect(code).toBe(2);
    expect(stderr.join('\n')).toContain('activity.recorded');
  });
});
