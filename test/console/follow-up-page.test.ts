import type { Conversation, ResponseTimeReport } from '../../console/crm-api-client';
import { followUpBody, followUpRoutes, taskOf, type FollowUpData } from '../../console/pages/follow-up';

const now = Date.parse('2026-03-10T15:00:00Z');

function waitingConversation(overrides: Partial<Conversation>): Conversation {
  return {
    id: 'CN1',
    conversationId: 'CN1',
    phoneNumberId: 'PNline1',
    ourNumber: '+15550000001',
    contactNumber: '+15551230001',
    waiting: true,
    waitingSince: '2026-03-10T13:00:00Z',
    waitingFor: { activityId: 'AC1', at: '2026-03-10T13:00:00Z', kind: 'message' },
    waitingBusinessMinutes: 120,
    replyTargetMinutes: 15,
    replyDueAt: '2026-03-10T13:15:00Z',
    overdue: true,
    updatedAt: '2026-03-10T13:00:00Z',
    ...overrides,
  };
}

const report: ResponseTimeReport = {
  from: '2026-02-25',
  to: '2026-03-10',
  by: 'number',
  rows: [
    {
      day: '2026-03-09',
      key: 'PNline1',
      spells: 10,
      answered: 8,
      p50Minutes: 6,
      p90Minutes: 95,
      withinTarget: 6,
      targetMinutes: 15,
      missedCalls: 2,
      missedCallsReturned: 1,
      missedCallsNotReturned: 1,
    },
    {
      day: '2026-03-10',
      key: 'PNline1',
      spells: 4,
      answered: 4,
      p50Minutes: 3,
      p90Minutes: 12,
      withinTarget: 4,
      targetMinutes: 15,
      missedCalls: 0,
      missedCallsReturned: 0,
      missedCallsNotReturned: 0,
    },
  ],
  totals: {
    spells: 14,
    answered: 12,
    p50Minutes: 5,
    p90Minutes: 60,
    withinTarget: 10,
    targetMinutes: 15,
    missedCalls: 2,
    missedCallsReturned: 1,
    missedCallsNotReturned: 1,
  },
  unreturnedMissedCalls: [
    {
      conversationId: 'PNline1~+15551230009',
      phoneNumberId: 'PNline1',
      contactNumber: '+15551230009',
      at: '2026-03-09T10:00:00Z',
      voicemail: true,
      returned: false,
    },
  ],
};

const data = (overrides: Partial<FollowUpData> = {}): FollowUpData => ({
  waiting: {
    ok: true,
    status: 200,
    body: {
      items: [
        waitingConversation({}),
        waitingConversation({
          id: 'PNline1~+15551230002',
          conversationId: undefined,
          contactNumber: '+15551230002',
          waitingSince: '2026-03-10T14:55:00Z',
          waitingFor: { activityId: 'AC2', at: '2026-03-10T14:55:00Z', kind: 'voicemail' },
          waitingBusinessMinutes: 5,
          overdue: false,
          replyDueAt: '2026-03-10T15:10:00Z',
        }),
      ],
    },
  },
  report: { ok: true, status: 200, body: report },
  canMarkDone: true,
  canCreateTasks: true,
  ...overrides,
});

describe('the Follow-up page', () => {
  it('lists who waits, oldest first, with the age, a link to the timeline, Mark done and a task form', () => {
    const text = followUpBody(data(), 'the-csrf', now).text;
    expect(text).toContain('Waiting for an answer (2)');
    expect(text).toContain('href="/contacts?phone=%2B15551230001"');
    expect(text).toContain('2 h 00 min');
    expect(text).toContain('5 min');
    expect(text).toContain('overdue');
    expect(text).toContain('Voicemail');
    expect(text).toContain('action="/follow-up/PNline1~%2B15551230002/done"');
    expect(text).toContain('action="/follow-up/CN1/tasks"');
    expect(text.match(/name="csrf" value="the-csrf"/g)?.length).toBe(4);
    expect(text.indexOf('+15551230001')).toBeLessThan(text.indexOf('+15551230002'));
  });

  it('shows the missed calls not returned and a chart point per day answered', () => {
    const text = followUpBody(data(), 'c', now).text;
    expect(text).toContain('href="/contacts?phone=%2B15551230009"');
    expect(text).toContain('left a voicemail');
    expect(text).toContain('2026-03-09: p90 1 h 35 min (8 answered)');
    expect(text).toContain('2026-03-10: 100% of 4 answered within 15 min');
    expect(text.match(/<circle/g)?.length).toBe(4);
    expect(text).toContain('12 answered, median');
  });

  it('escapes what the API says and says which routes the API does not serve yet', () => {
    const text = followUpBody(
      data({
        waiting: { ok: false, status: 500, error: { error: 'x', message: '<img src=x onerror=alert(1)>' } },
        report: 'not-served',
        canMarkDone: false,
      }),
      'c',
      now,
    ).text;
    expect(text).not.toContain('<img src=x');
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(text).toContain('does not serve the response-time report yet');
  });

  it('has no Mark done button where the API cannot mark done', () => {
    const text = followUpBody(data({ canMarkDone: false, canCreateTasks: false }), 'c', now).text;
    expect(text).not.toContain('Mark done');
    expect(text).not.toContain('Create task');
    expect(text).toContain('does not serve marking done or tasks yet');
  });

  it('reads the task form, and refuses a missing title or a bad date naming the field', async () => {
    const form = (fields: Record<string, string>) => {
      const f = new FormData();
      for (const [k, v] of Object.entries(fields)) f.set(k, v);
      return f;
    };
    expect(taskOf(form({ title: ' Call back about the boiler ', description: '', dueAt: '' }))).toEqual({
      title: 'Call back about the boiler',
    });
    expect(taskOf(form({ title: 'x', dueAt: '2026-03-11T09:30' }))).toEqual({
      title: 'x',
      dueAt: new Date('2026-03-11T09:30').toISOString(),
    });
    expect(taskOf(form({ title: '' }))).toEqual({ problem: 'Title: 1 to 200 characters.' });
    expect(taskOf(form({ title: 'x', dueAt: 'soon' }))).toEqual({ problem: 'Due: not a date and time.' });

    // A refused form reaches no API.
    const api = { createConversationTask: jest.fn() };
    const reply = await followUpRoutes['POST /follow-up/:id/tasks']!({
      api,
      params: { id: 'CN1' },
      form: form({ title: '' }),
    } as never);
    expect(reply).toEqual({
      kind: 'redirect',
      location: '/follow-up',
      notice: { kind: 'error', lines: ['No task created. Title: 1 to 200 characters.'] },
    });
    expect(api.createConversationTask).not.toHaveBeenCalled();
  });
});
