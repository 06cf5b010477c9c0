/** A conditional write refused because its condition did not hold (by name: the class differs across SDK copies). */
export const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
