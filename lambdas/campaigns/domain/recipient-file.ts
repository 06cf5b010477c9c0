/**
 * A recipient file's bytes as text, decoded strictly: UTF-8 with or without a byte-order mark,
 * or the encoding the operator names. A spreadsheet saved as "CSV" rather than "CSV UTF-8" is
 * Windows-1252, and decoding it as UTF-8 silently turns "José" into "Jos�" in every message; so
 * a file that is not valid UTF-8 is refused with the row of its first bad byte and a hint.
 */
export type RecipientFileDecoding =
  | { kind: 'decoded'; text: string }
  /** `row` counts from 1, the header being row 1, as a spreadsheet numbers rows. */
  | { kind: 'not-utf8'; row: number; byte: number; looksLike: 'utf-16' | 'single-byte' }
  | { kind: 'unknown-encoding'; encoding: string }
  | { kind: 'not-in-encoding'; encoding: string; row: number };

const replacementCharacter = '\uFFFD';

export function decodeRecipientFile(bytes: Uint8Array, encoding?: string): RecipientFileDecoding {
  if (encoding !== undefined) return decodeAs(bytes, encoding);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return { kind: 'not-utf8', row: 1, byte: bytes[0], looksLike: 'utf-16' };
  try {
    // `ignoreBOM: false` (the default) drops a UTF-8 byte-order mark.
    return { kind: 'decoded', text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const at = lossy.indexOf(replacementCharacter);
    return {
      kind: 'not-utf8',
      row: rowAt(lossy, at),
      byte: bytes[byteOffsetOf(bytes, lossy, at)] ?? 0,
      looksLike: 'single-byte',
    };
  }
}

function decodeAs(bytes: Uint8Array, encoding: string): RecipientFileDecoding {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    return { kind: 'unknown-encoding', encoding };
  }
  try {
    return { kind: 'decoded', text: decoder.decode(bytes) };
  } catch {
    const lossy = new TextDecoder(encoding).decode(bytes);
    return { kind: 'not-in-encoding', encoding, row: rowAt(lossy, lossy.indexOf(replacementCharacter)) };
  }
}

/** The 1-based row of a character offset (line breaks inside quoted fields count too: close enough to find it). */
function rowAt(text: string, offset: number): number {
  let row = 1;
  for (let i = 0; i < offset; i++) if (text[i] === '\n') row++;
  return row;
}

/** The byte offset of the first bad byte: what precedes it is valid UTF-8 (after a dropped byte-order mark). */
function byteOffsetOf(bytes: Uint8Array, lossy: string, offset: number): number {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return bom + new TextEncoder().encode(lossy.slice(0, offset)).length;
}
