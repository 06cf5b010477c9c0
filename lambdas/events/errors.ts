/** The event's record is not in the table: nothing to mark, no payload to read. */
export class EventRecordMissingError extends Error {
  override readonly name = 'EventRecordMissingError';
  constructor(readonly eventId: string) {
    super(`event ${eventId} has no record in the events table`);
  }
}

/** The body of a queue message is not a queue message: it goes to the DLQ after maxReceiveCount. */
export class UnreadableQueueMessageError extends Error {
  override readonly name = 'UnreadableQueueMessageError';
}

/** A stored body inflates past any body the ingest accepts: corrupt or not written by the bridge. */
export class StoredPayloadTooLargeError extends Error {
  override readonly name = 'StoredPayloadTooLargeError';
  constructor(
    readonly eventId: string,
    readonly maxBytes: number,
  ) {
    super(`event ${eventId}: its stored body inflates past ${maxBytes} bytes`);
  }
}
