// Parsers of the CLI's option values: each refuses a bad value with the range it takes.
import { InvalidArgumentError } from 'commander';
import { isSupportedCountry } from 'libphonenumber-js';
import { readFileSync } from 'node:fs';
import { UsageError } from './errors';
import { join } from 'node:path';

/** A parser of a whole number from `min` to `max` (`unit` names what it counts, in the refusal). */
function wholeNumber(min: number, max: number, unit = ''): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`a whole number ${unit ? `of ${unit} ` : ''}from ${min} to ${max}.`);
    return n;
  };
}

export const positiveLimit = wholeNumber(1, 1000);
export const positiveSeconds = wholeNumber(1, 3600, 'seconds');
export const runsPerPage = wholeNumber(1, 100);

/** An ISO 8601 time with a zone (`Z` or an offset), as UTC; anything else is refused. */
export function startTime(value: string): string {
  const at = Date.parse(value);
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(value) || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at))
    throw new InvalidArgumentError(
      'an ISO time with its zone, e.g. 2026-12-01T09:00:00-05:00 or 2026-12-01T14:00:00Z.',
    );
  return new Date(at).toISOString();
}

export function countryCode(value: string): string {
  const code = value.toUpperCase();
  if (!isSupportedCountry(code)) throw new InvalidArgumentError('a two-letter country code, e.g. US or GB.');
  return code;
}

export function refreshSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 3600)
    throw new InvalidArgumentError('a number of seconds from 0.1 to 3600.');
  return seconds;
}

/** This package's version, from its package.json (beside cli/ in the repository and in an installed package). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** The URL OpenPhone will post to: http(s) only, so a typo fails here rather than in OpenPhone. */
export function webhookUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url must be an http(s) URL, not "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`--url must be an http(s) URL, not "${value}"`);
  return url.toString();
}
