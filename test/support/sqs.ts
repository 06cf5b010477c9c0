import type { SQSEvent, SQSRecord } from 'aws-lambda';

let messageCounter = 0;

/** One SQS record as the event source mapping hands it to a consumer. */
export function sqsRecord(body: string, receiveCount = 1): SQSRecord {
  return {
    messageId: `msg-${messageCounter++}`,
    receiptHandle: 'r',
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test',
    awsRegion: 'us-east-1',
  };
}

export const batchOf = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
