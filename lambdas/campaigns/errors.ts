/** The campaigns capability's named errors: values a caller can branch on with `instanceof`. */

/** Thrown for a variant list the campaign schema would have refused: a programming error. */
export class InvalidVariantWeightsError extends Error {
  override readonly name = 'InvalidVariantWeightsError';
}

/** A send withdrawn by its last check, after its token and before the request went out. */
export class SendWithdrawnError extends Error {
  override readonly name = 'SendWithdrawnError';
  readonly reason:
    | 'suppressed'
    | 'claim-taken-over'
    | 'check-failed'
    /** The campaign was paused or cancelled while the send waited. */
    | 'campaign-not-running'
    /** The recipient's sending window closed (or a state's cap filled) while the send waited. */
    | 'outside-window';
  constructor(reason: SendWithdrawnError['reason'], cause?: unknown) {
    super(`send withdrawn: ${reason}`, cause === undefined ? undefined : { cause });
    this.reason = reason;
  }
}
