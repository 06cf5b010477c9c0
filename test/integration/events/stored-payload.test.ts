import { brotliCompressSync } from 'node:zlib';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EventRepository } from '../../../lambdas/events';
import { newEventRecord, type EventRecord } from '../../../lambdas/events/domain/event-record';
import { StoredPayloadTooLargeError } from '../../../lambdas/events/errors';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { legacyEvent, messageObject, transcriptObject } from '../../support/openphone-payloads';

jest.setTimeout(60_000);

const documents = localDocumentClient();
let table: string;
let events: EventRepository;
beforeAll(async () => {
  table = tableNamed(await createBridgeTables(), 'EventsTable');
  events = new EventRepository(documents, table);
});

const longText =
  'I wanted to follow up about the quote you sent last week for the kitchen renovation, the cabinets and the countertop options. '.repeat(
    8,
  );

function eventOf(eventId: string, body: Record<string, unknown>): EventRecord {
  return newEventRecord({
    eventId,
    type: String(body.type),
    family: 'messages',
    scheme: 'legacy',
    payload: JSON.stringify(body),
    receivedAt: new Date('2026-11-20T10:00:00.000Z'),
    retentionDays: 90,
  });
}

/** A message event whose body is over a KB (a long text). */
const longMessage = (eventId: string, messageId: string) =>
  eventOf(
    eventId,
    legacyEvent(
      'message.received',
      messageObject({ id: messageId, text: longText }),
      '2026-11-20T10:00:00.000Z',
    ),
  );

const storedItem = async (eventId: string) =>
  (await documents.send(new GetCommand({ TableName: table, Key: { eventId } }))).Item!;

/** The write units one put of the item costs on the table itself (its index entries apart). */
async function unitsOfPut(item: Record<string, unknown>): Promise<number> {
  const answer = await documents.send(
    new PutCommand({ TableName: table, Item: item, ReturnConsumedCapacity: 'INDEXES' }),
  );
  return answer.ConsumedCapacity?.Table?.CapacityUnits ?? NaN;
}

describe('the stored webhook body', () => {
  it('keeps a long body compressed, so the put and the close cost one unit each, and reads it back exactly as received', async () => {
    const record = longMessage('EVlongbody1', 'AClong1');
    expect(Buffer.byteLength(record.payload)).toBeGreaterThan(1024);

    expect(await events.recordEventOnce(record)).toBe('recorded');

    const item = await storedItem('EVlongbody1');
    expect(item.payload).toBeInstanceOf(Uint8Array);
    expect((item.payload as Uint8Array).byteLength).toBeLessThan(600);
    expect((await events.getEvent('EVlongbody1'))!.payload).toBe(record.payload);
    const close = await documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { eventId: 'EVlongbody1' },
        UpdateExpression: 'SET processedAt = :at, expiresAt = :ttl, #s = :p',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':at': '2026-11-20T10:00:01.000Z',
          ':ttl': 1_900_000_000,
          ':p': 'processed',
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    expect(close.ConsumedCapacity?.CapacityUnits).toBe(1);
    expect(await unitsOfPut({ ...(await storedItem('EVlongbody1')), eventId: 'EVlongpacked' })).toBe(1);
    expect(await unitsOfPut({ ...record, eventId: 'EVlongplain' })).toBeGreaterThan(1);
  });

  it('answers a redelivery of a compressed event with the stored record, its body as received', async () => {
    const record = eventOf(
      'EVlongbody2',
      legacyEvent(
        'call.transcript.completed',
        transcriptObject({ callId: 'ACcall2' }),
        '2026-11-20T10:00:00.000Z',
      ),
    );
    const long = { ...record, payload: record.payload.replace('}', `,"note":${JSON.stringify(longText)}}`) };
    await events.recordEventOnce(long);

    const again = await events.recordEventOrFind(long);

    expect(again).toMatchObject({ outcome: 'duplicate', existing: { payload: long.payload } });
  });

  it('leaves a short body as it came, and reads one stored as a string before compression', async () => {
    const short = eventOf(
      'EVshort1',
      legacyEvent('message.received', messageObject({ id: 'ACshort1' }), '2026-11-20T10:00:00.000Z'),
    );
    await events.recordEventOnce(short);
    expect((await storedItem('EVshort1')).payload).toBe(short.payload);

    const older = longMessage('EVolder1', 'ACold1');
    await documents.send(new PutCommand({ TableName: table, Item: older }));
    expect((await events.getEvent('EVolder1'))!.payload).toBe(older.payload);
  });

  it('blanks a compressed body on erase', async () => {
    const record = longMessage('EVlongbody3', 'AClong3');
    await events.recordEventOnce(record);

    expect(await events.erasePayload('EVlongbody3', '2026-11-21T00:00:00.000Z')).toBe(true);

    expect(await events.getEvent('EVlongbody3')).toMatchObject({
      payload: '',
      payloadErasedAt: '2026-11-21T00:00:00.000Z',
    });
  });
});

describe('a stored body that inflates past any body the ingest accepts', () => {
  it('is refused with a named error instead of filling the reader’s memory', async () => {
    const bomb = brotliCompressSync(Buffer.alloc(8 * 1024 * 1024, ' '));
    expect(bomb.byteLength).toBeLessThan(1024);
    await documents.send(
      new PutCommand({
        TableName: table,
        Item: { ...eventOf('EVinflates1', { type: 'message.received' }), payload: new Uint8Array(bomb) },
      }),
    );

    const read = events.getEvent('EVinflates1').then((record) => `${record?.payload.length} characters`);
    await expect(read).rejects.toThrow(StoredPayloadTooLargeError);
  });
});
