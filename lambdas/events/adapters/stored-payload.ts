import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { convertToAttr } from '@aws-sdk/util-dynamodb';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { EventRecord } from '../domain/event-record';
import { StoredPayloadTooLargeError } from '../errors';

/** DynamoDB bills a write per started KB of the item (the larger of before and after, for an update). */
const writeUnitBytes = 1024;

/** What the close or a failure mark adds to the item (status times, TTL, reason, statusKey). */
const laterWritesAllowance = 200;

/**
 * About the size DynamoDB bills an item at: each attribute's name plus its value (strings and
 * binaries by their bytes, numbers generously, sets and nested values as JSON).
 */
function approximateItemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const name in item) {
    const value = item[name];
    if (value === undefined) continue;
    bytes += Buffer.byteLength(name);
    if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else if (value instanceof Uint8Array) bytes += value.byteLength;
    else if (typeof value === 'number') bytes += 21;
    else bytes += Buffer.byteLength(JSON.stringify(value) ?? '');
  }
  return bytes;
}

/**
 * The item the events table stores for a record: the raw body as received, or, when that makes the
 * item (with what the close adds) cost more than a unit per write, brotli-compressed as a Binary
 * `payload` if that costs fewer units. A body of a few KB (a long message, a transcript) shrinks
 * 3–8×; the write-units bench's bodies (300–575 bytes) are left as they are.
 */
export function storedItemOf(record: EventRecord): Record<string, unknown> {
  const unitsOf = (item: Record<string, unknown>) =>
    Math.ceil((approximateItemBytes(item) + laterWritesAllowance) / writeUnitBytes);
  const plain = record as unknown as Record<string, unknown>;
  const plainUnits = unitsOf(plain);
  if (plainUnits <= 1) return plain;
  const body = Buffer.from(record.payload, 'utf8');
  const packedWith = (quality: number) => {
    const compressed = brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: quality,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    });
    const item = { ...plain, payload: new Uint8Array(compressed) };
    return { item, units: unitsOf(item) };
  };
  // Quality 2 first (6 µs for a 530-byte body where quality 4 takes 16, 8% more bytes): a body just
  // over the unit, the commonest, then fits in one. Only an item still over one unit tries quality 4
  // (within a few percent of the best ratio; quality 11 takes ms), so none costs more units than before.
  let best = packedWith(2);
  if (best.units > 1) {
    const closer = packedWith(4);
    if (closer.units < best.units) best = closer;
  }
  return best.units < plainUnits ? best.item : plain;
}

/**
 * A flat item as the attribute values DynamoDB is sent: a string written as it is, anything else as
 * the document client's marshall writes it. The same item, without marshall's walk over every value.
 */
export function attributeValuesOf(item: object): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const name in item) {
    const value = (item as Record<string, unknown>)[name];
    attributes[name] = typeof value === 'string' ? { S: value } : convertToAttr(value);
  }
  return attributes;
}

/** `storedItemOf` as attribute values: what the events table is sent for a record. */
export const storedAttributesOf = (record: EventRecord) => attributeValuesOf(storedItemOf(record));

/** Above any body the ingest accepts (256 KiB at most): a stored body inflating past it is not ours. */
const maxInflatedBodyBytes = 1024 * 1024;

/** The record of a stored item: a Binary `payload` is the compressed body; a string one (older items, or a blanked body) is as stored. */
export function recordOfItem(item: Record<string, unknown>): EventRecord {
  const payload = item.payload;
  if (!(payload instanceof Uint8Array)) return item as unknown as EventRecord;
  let body: Buffer;
  try {
    body = brotliDecompressSync(payload, { maxOutputLength: maxInflatedBodyBytes });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') throw error;
    throw new StoredPayloadTooLargeError(String(item.eventId), maxInflatedBodyBytes);
  }
  return { ...item, payload: body.toString('utf8') } as unknown as EventRecord;
}
