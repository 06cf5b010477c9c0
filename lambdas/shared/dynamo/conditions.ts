// Errors are matched by name, not class: the class differs across copies of the AWS SDK.

/** A conditional write refused because its condition did not hold. */
export const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

/** Why each item of a cancelled transaction was refused (`None` for items that were fine). */
export function cancellationReasons(error: unknown): string[] | undefined {
  const { name, CancellationReasons } = (error ?? {}) as {
    name?: string;
    CancellationReasons?: { Code?: string }[];
  };
  if (name !== 'TransactionCanceledException') return undefined;
  return (CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

/** A transaction cancelled because one of its conditions did not hold. */
export const isTransactionConditionFailure = (error: unknown): boolean =>
  cancellationReasons(error)?.includes('ConditionalCheckFailed') ?? false;

/**
 * A transaction lost to a state that changed under it: a condition that no longer held or a
 * concurrent transaction on the same items (not one DynamoDB refused for any other reason).
 */
export const isTransactionConflict = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'TransactionConflictException' ||
  (cancellationReasons(error) ?? []).some(
    (code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict',
  );
