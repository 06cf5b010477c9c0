import { readStageConfig } from '../../lib/config';

const stage = (settings: Record<string, unknown>) =>
  readStageConfig({ stage: 'test', stages: { test: settings } });

describe('stage configuration', () => {
  it('defaults to no alarm e-mail, the documented thresholds, reservations and no WAF', () => {
    const config = stage({});
    expect(config.alarmEmail).toBeUndefined();
    expect(config.alarms).toEqual({
      queueAgeSeconds: 900,
      ingestServerErrorsPer5Min: 5,
      ingestUnauthorizedPer5Min: 20,
      throttledCallsPer5Min: 10,
      rejectedEventsPer5Min: 1,
      streamIteratorAgeSeconds: 300,
      redispatchedEventsPer5Min: 1,
      undeliverableEventsPer5Min: 1,
      oldestWaitingBusinessMinutes: 60,
    });
    expect(config.eventSweep).toEqual({
      schedule: 'rate(5 minutes)',
      stuckAfterMinutes: 10,
      maxRedispatches: 12,
    });
    expect(config.reservedConcurrency).toEqual({ mediaArchiver: 5, historyImport: 3, campaignSender: 3 });
    expect(config.waf).toEqual({ enabled: false, rateLimitPer5Min: 6000 });
    expect(config.logRetentionDays).toBe(30);
    expect(config.tracing).toBe('off');
  });

  it("lists an import's messages workspace-wide unless a stage says per conversation; another value is named", () => {
    expect(stage({}).historyImport).toEqual({ messageListing: 'workspace' });
    expect(
      stage({ historyImport: { messageListing: 'per-conversation' } }).historyImport.messageListing,
    ).toBe('per-conversation');
    expect(() => stage({ historyImport: { messageListing: 'all' } })).toThrow(/historyImport.messageListing/);
  });

  it('refuses a sweep schedule that is not a schedule expression', () => {
    expect(() => stage({ eventSweep: { schedule: 'every 5 minutes' } })).toThrow(/eventSweep.schedule/);
  });

  it("fetches media from OpenPhone's hosts by default; a stage names its own, and a bad entry is named", () => {
    expect(stage({}).mediaArchive.allowedHosts).toEqual(['m.openph.one', 'storage.googleapis.com']);
    expect(stage({ mediaArchive: { allowedHosts: ['*.openph.one'] } }).mediaArchive.allowedHosts).toEqual([
      '*.openph.one',
    ]);
    expect(() => stage({ mediaArchive: { allowedHosts: ['http://169.254.169.254'] } })).toThrow(
      /mediaArchive\.allowedHosts\.0: "http:\/\/169\.254\.169\.254" is not a host name/,
    );
    expect(() => stage({ mediaArchive: { allowedHosts: [] } })).toThrow(
      /mediaArchive\.allowedHosts: at least one host/,
    );
  });

  it('keeps the defaults of the keys a stage leaves out of a group', () => {
    const config = stage({ alarms: { queueAgeSeconds: 300 }, waf: { enabled: true } });
    expect(config.alarms.queueAgeSeconds).toBe(300);
    expect(config.alarms.throttledCallsPer5Min).toBe(10);
    expect(config.waf).toEqual({ enabled: true, rateLimitPer5Min: 6000 });
  });

  it("defaults consent to a 24-hour YES window and no extra opt-in words, and takes a stage's own", () => {
    expect(stage({})).toMatchObject({ consentYesWindowHours: 24, consentOptInWords: [] });
    expect(stage({ consentYesWindowHours: 72, consentOptInWords: ['JOIN'] })).toMatchObject({
      consentYesWindowHours: 72,
      consentOptInWords: ['JOIN'],
    });
    expect(() => stage({ consentOptInWords: ['JOIN,ME'] })).toThrow(
      /consentOptInWords\.0: letters, digits and spaces/,
    );
  });

  it('lets a stage reserve no concurrency for a function', () => {
    expect(
      stage({ reservedConcurrency: { mediaArchiver: null } }).reservedConcurrency.mediaArchiver,
    ).toBeNull();
  });

  it.each([
    [{ alarmEmail: 'not-an-address' }, /alarmEmail: an e-mail address/],
    [{ logRetentionDays: 31 }, /logRetentionDays: one of 1, 3, 5, 7, 14, 30/],
    [{ alarms: { queueAgeSeconds: 10 } }, /alarms\.queueAgeSeconds: /],
    [{ reservedConcurrency: { campaignSender: 1 } }, /reservedConcurrency\.campaignSender: /],
    [{ waf: { enabled: 'yes' } }, /waf\.enabled: /],
    [{ waf: { rateLimitPer5Min: 5 } }, /waf\.rateLimitPer5Min: /],
    [{ tracing: 'sampled' }, /tracing: /],
  ])('refuses %j with an error naming the stage and the key', (settings, message) => {
    expect(() => stage(settings)).toThrow(/^Invalid stage configuration for "test": /);
    expect(() => stage(settings)).toThrow(message);
  });
});

describe('consent replies and state rules', () => {
  it('keeps confirmation replies off and applies every stricter state rule by default', () => {
    const config = stage({});
    expect(config.consentReplies.enabled).toBe(false);
    expect(config.consentReplies.optOutText).toContain(
      'reply START to resubscribe'.replace('reply', 'Reply'),
    );
    expect(Object.keys(config.campaignStateRules)).toEqual(
      expect.arrayContaining(['AL', 'CT', 'FL', 'LA', 'MD', 'MS', 'OK', 'RI', 'TX', 'WA']),
    );
    expect(config.campaignStateRules.FL).toMatchObject({
      window: { start: '08:00', end: '20:00' },
      maxMessagesPer24h: 3,
    });
    expect(config.campaignStateRules.TX).toMatchObject({ sunday: { start: '12:00', end: '21:00' } });
  });

  it('takes a stage table of state rules whole, and refuses a window wider than the federal one', () => {
    expect(stage({ campaignStateRules: { TX: { maxMessagesPer24h: 2 } } }).campaignStateRules).toEqual({
      TX: { maxMessagesPer24h: 2 },
    });
    expect(() =>
      stage({ campaignStateRules: { FL: { window: { start: '07:00', end: '20:00' } } } }),
    ).toThrow();
    expect(() => stage({ consentReplies: { enabled: true, helpText: '' } })).toThrow();
  });
});
