import {
  businessHours,
  businessHoursOf,
  businessMinutesBetween,
  followUpSettings,
  replyDueAt,
} from '../../../lambdas/crm/domain/business-hours';
import { readStageConfig } from '../../../lib/config';

const chicago = businessHours.parse({ timeZone: 'America/Chicago' }); // Mon–Fri 08:00–17:00, 15 min
const newYork = (openingHours: object) => businessHours.parse({ timeZone: 'America/New_York', openingHours });
const utc = (iso: string) => new Date(iso);

describe('waiting time counts business time only', () => {
  it('counts plain minutes inside the opening hours', () => {
    // Monday 7 Dec 2026, 10:00 → 10:40 Chicago (UTC−6)
    expect(businessMinutesBetween(utc('2026-12-07T16:00:00Z'), utc('2026-12-07T16:40:00Z'), chicago)).toBe(
      40,
    );
  });

  it('stops at closing time and starts again at opening the next morning', () => {
    // Monday 16:50 → Tuesday 08:10 Chicago: 10 minutes before closing, 10 after opening
    expect(businessMinutesBetween(utc('2026-12-07T22:50:00Z'), utc('2026-12-08T14:10:00Z'), chicago)).toBe(
      20,
    );
  });

  it('counts nothing over a weekend', () => {
    // Friday 11 Dec 16:55 → Monday 14 Dec 08:05 Chicago
    expect(businessMinutesBetween(utc('2026-12-11T22:55:00Z'), utc('2026-12-14T14:05:00Z'), chicago)).toBe(
      10,
    );
    // Saturday noon → Sunday noon
    expect(businessMinutesBetween(utc('2026-12-12T18:00:00Z'), utc('2026-12-13T18:00:00Z'), chicago)).toBe(0);
  });

  it('a message before opening waits from opening', () => {
    // Tuesday 06:00 → 08:30 Chicago
    expect(businessMinutesBetween(utc('2026-12-08T12:00:00Z'), utc('2026-12-08T14:30:00Z'), chicago)).toBe(
      30,
    );
  });

  it('counts the real length of an opening across the spring-forward night', () => {
    // Sunday 8 March 2026, New York opens 01:00–05:00 local; 02:00–03:00 never happens: 3 hours
    const hours = newYork({ sunday: [{ start: '01:00', end: '05:00' }] });
    expect(businessMinutesBetween(utc('2026-03-08T00:00:00Z'), utc('2026-03-08T12:00:00Z'), hours)).toBe(180);
  });

  it('and across the fall-back night, when 01:00–02:00 happens twice', () => {
    // Sunday 1 Nov 2026: 00:00–03:00 local lasts 4 hours
    const hours = newYork({ sunday: [{ start: '00:00', end: '03:00' }] });
    expect(businessMinutesBetween(utc('2026-11-01T00:00:00Z'), utc('2026-11-01T12:00:00Z'), hours)).toBe(240);
  });

  it('a day with two openings (a lunch break) counts both', () => {
    const hours = newYork({
      monday: [
        { start: '13:00', end: '17:00' },
        { start: '08:00', end: '12:00' },
      ],
    });
    // Monday 7 Dec 11:30 → 13:30 New York (UTC−5)
    expect(businessMinutesBetween(utc('2026-12-07T16:30:00Z'), utc('2026-12-07T18:30:00Z'), hours)).toBe(60);
  });

  it('an office that never opens counts nothing and has no due time', () => {
    const closed = newYork({});
    expect(businessMinutesBetween(utc('2026-12-07T00:00:00Z'), utc('2026-12-14T00:00:00Z'), closed)).toBe(0);
    expect(replyDueAt(utc('2026-12-07T00:00:00Z'), closed)).toBeUndefined();
  });
});

describe('the reply target', () => {
  it('is 15 business minutes by default, due after the weekend for a Friday-evening message', () => {
    expect(chicago.replyTargetMinutes).toBe(15);
    // Friday 16:50 Chicago: 10 minutes on Friday, 5 on Monday morning → Monday 08:05
    expect(replyDueAt(utc('2026-12-11T22:50:00Z'), chicago)).toEqual(utc('2026-12-14T14:05:00Z'));
  });

  it('is the number’s own when it has one, else the default', () => {
    const settings = followUpSettings.parse({
      byNumber: { PNsouth: { timeZone: 'America/Chicago', replyTargetMinutes: 60 } },
    });
    expect(businessHoursOf(settings, 'PNsouth').replyTargetMinutes).toBe(60);
    expect(businessHoursOf(settings, 'PNother').timeZone).toBe('America/New_York');
  });
});

describe('the stage configuration of business hours', () => {
  const configWith = (followUp: unknown) => () =>
    readStageConfig({ stage: 'dev', stages: { dev: { followUp } } });

  it('names the field of an invalid opening', () => {
    expect(
      configWith({ byNumber: { PNmain: { openingHours: { monday: [{ start: '17:00', end: '08:00' }] } } } }),
    ).toThrow(/followUp\.byNumber\.PNmain\.openingHours\.monday\.0: start must be before end/);
    expect(configWith({ default: { openingHours: { monday: [{ start: '8am', end: '17:00' }] } } })).toThrow(
      /followUp\.default\.openingHours\.monday\.0\.start: must be a 24-hour time/,
    );
    expect(configWith({ default: { timeZone: 'Mars/Olympus' } })).toThrow(
      /followUp\.default\.timeZone: must be an IANA time zone/,
    );
    expect(configWith({ default: { openingHours: { funday: [] } } })).toThrow(
      /followUp\.default\.openingHours/,
    );
  });

  it('refuses overlapping openings of one day (their overlap would count twice), naming the day', () => {
    const overlapping = {
      monday: [
        { start: '08:00', end: '12:00' },
        { start: '10:00', end: '14:00' },
      ],
    };
    expect(configWith({ default: { openingHours: overlapping } })).toThrow(
      /followUp\.default\.openingHours\.monday: openings overlap/,
    );
    // Back to back is fine: one ends where the next starts.
    expect(
      configWith({
        default: {
          openingHours: {
            monday: [
              { start: '08:00', end: '12:00' },
              { start: '12:00', end: '14:00' },
            ],
          },
        },
      }),
    ).not.toThrow();
  });

  it('defaults to Monday–Friday 08:00–17:00 New York time and 15 minutes', () => {
    expect(configWith(undefined)().followUp.default).toMatchObject({
      timeZone: 'America/New_York',
      replyTargetMinutes: 15,
      openingHours: { monday: [{ start: '08:00', end: '17:00' }] },
    });
  });
});
