import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent, DynamoDBBatchResponse } from 'aws-lambda';
import type { EventRecord } from '../domain/event-record';
import { queueMessageFor } from '../domain/queue-message';
import type { QueuePublisher } from '../adapters/queue-publisher';
import { correlated } from '../../shared/correlation';

/**
 * The outbox relay: each event newly recorded in the events table (its stream's INSERT) is sent to its
 * family's queue. A failed send is reported as a batch item failure, so the stream retries it.
 */
export function createDispatchHandler(deps: { publisher: QueuePublisher; logger: Logger }) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const dispatchOne = async (streamRecord: DynamoDBRecord) => {
    const image = streamRecord.dynamodb?.NewImage;
    if (!image) return; // not an insert with an image: nothing to send
    const event = unmarshall(image as Record<string, AttributeValue> as never) as EventRecord;
    if (event.status !== 'received' || !event.family) return;
    await deps.publisher.publish(queueMessageFor(event));
    correlated(deps.logger, event.eventId).debug('event dispatched', {
      eventId: event.eventId,
      eventType: event.type,
      family: event.family,
    });
  };
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
    processPartialResponse(event, dispatchOne, processor, { throwOnFullBatchFailure: false });
}
