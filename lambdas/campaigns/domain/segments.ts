/**
 * SMS segment counting: how many parts a carrier splits a message into, which is what it costs.
 * A message that fits GSM 03.38 (the basic table plus its extension table) is sent as 7-bit
 * septets; anything else is sent as UCS-2 (UTF-16 code units).
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** 0 for an empty message. */
  segments: number;
  /** Characters as a person counts them (Unicode code points). */
  characters: number;
  /** Septets for GSM-7 (extension characters take 2), UTF-16 code units for UCS-2. */
  units: number;
}

/** Limits per encoding: one message alone, and each part of a concatenated message (the rest is its header). */
export const segmentLimits = {
  'GSM-7': { single: 160, concatenated: 153 },
  'UCS-2': { single: 70, concatenated: 67 },
} as const satisfies Record<SmsEncoding, { single: number; concatenated: number }>;

// GSM 03.38 basic character set, without the escape code itself.
const gsmBasic = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
// Reached through the escape code, so each costs two septets.
const gsmExtension = new Set('\f^{}\\[~]|€');

/** Septets a character costs in GSM-7, or undefined when GSM-7 cannot carry it. */
function gsmSeptets(character: string): 1 | 2 | undefined {
  if (gsmBasic.has(character)) return 1;
  if (gsmExtension.has(character)) return 2;
  return undefined;
}

export function isGsm7(text: string): boolean {
  for (const character of text) if (gsmSeptets(character) === undefined) return false;
  return true;
}

/**
 * Counts segments the way handsets split: a character that takes two units (a GSM escape pair,
 * a UTF-16 surrogate pair) is never split across two parts, so a part may hold one unit less.
 */
export function countSegments(text: string): SegmentCount {
  const characters = [...text];
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  const costs = characters.map((c) => (encoding === 'GSM-7' ? (gsmSeptets(c) ?? 1) : c.length));
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  const limits = segmentLimits[encoding];

  let segments = 0;
  if (units > 0 && units <= limits.single) segments = 1;
  else if (units > limits.single) {
    let used: number = limits.concatenated; // starts full, so the first character opens part one
    for (const cost of costs) {
      if (used + cost > limits.concatenated) {
        segments += 1;
        used = 0;
      }
      used += cost;
    }
  }
  return { encoding, segments, characters: characters.length, units };
}
