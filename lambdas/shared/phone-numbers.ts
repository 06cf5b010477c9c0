import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type PhoneNumberResult = { ok: true; e164: string } | { ok: false; reason: string };

/**
 * A phone number in E.164 (`+15551234567`). Numbers without a country code are read as
 * `defaultCountry` numbers; anything that is not a possible number is a reason, not a guess.
 */
export function toE164(raw: string, defaultCountry: CountryCode = 'US'): PhoneNumberResult {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: false, reason: 'empty phone number' };
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry);
  if (!parsed || !parsed.isPossible()) return { ok: false, reason: 'not a possible phone number' };
  return { ok: true, e164: parsed.number };
}

/**
 * E.164 when the number is one; otherwise the trimmed original (short codes, `anonymous`): an
 * activity keeps whatever identity OpenPhone gave rather than losing the participant.
 */
export function normalisePhoneNumber(raw: string, defaultCountry: CountryCode = 'US'): string {
  const result = toE164(raw, defaultCountry);
  return result.ok ? result.e164 : raw.trim();
}

/** `…4567`: the only form of a phone number that may appear in logs. */
export function maskPhoneNumber(phoneNumber: string): string {
  return `…${phoneNumber.slice(-4)}`;
}
