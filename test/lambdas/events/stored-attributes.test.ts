import fc from 'fast-check';
import { marshall } from '@aws-sdk/util-dynamodb';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';
import {
  recordOfItem,
  storedAttributesOf,
  storedItemOf,
} from '../../../lambdas/events/adapters/stored-payload';

describe('an event written as attribute values', () => {
  it('is the item the document client would have written, short or compressed, test or routed', () => {
    fc.assert(
      fc.property(
        fc.record({
          eventId: fc.string({ minLength: 1, maxLength: 40 }),
          type: fc.constantFrom('message.received', 'call.completed', 'unknown.kind'),
          family: fc.constantFrom('messages' as const, 'calls' as const, undefined),
          scheme: fc.constantFrom('legacy' as const, 'standard-webhooks' as const),
          apiVersion: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
          occurredAt: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
          payload: fc.oneof(
            fc.string({ maxLength: 300 }),
            fc.string({ minLength: 1, maxLength: 8 }).map((s) => s.repeat(600)),
          ),
          ignoredReason: fc.option(fc.constant('test_delivery'), { nil: undefined }),
        }),
        (input) => {
          const record = newEventRecord({
            ...input,
            receivedAt: new Date('2026-12-07T10:00:00Z'),
            retentionDays: 90,
          });
          expect(storedAttributesOf(record)).toEqual(marshall(storedItemOf(record)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('an event body stored compressed', () => {
  it('reads back exactly as received, whichever quality fitted it', () => {
    const word = fc.constantFrom('quote ', 'kitchen ', '{"id":"AC1"} ', 'é ', '😀 ', 'Tuesday? ');
    fc.assert(
      fc.property(fc.array(word, { minLength: 60, maxLength: 3000 }), (words) => {
        const record = newEventRecord({
          eventId: 'EV1',
          type: 'message.received',
          family: 'messages',
          scheme: 'legacy',
          payload: words.join(''),
          receivedAt: new Date('2026-12-07T10:00:00Z'),
          retentionDays: 90,
        });
        expect(recordOfItem(storedItemOf(record))).toEqual(record);
      }),
      { numRuns: 200 },
    );
  });
});
