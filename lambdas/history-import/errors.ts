/** Another execution moved the run's checkpoint first: this one must stop, not overwrite it. */
export class ImportCheckpointConflictError extends Error {
  override readonly name = 'ImportCheckpointConflictError';
  constructor(readonly importId: string) {
    super(`import ${importId}: the checkpoint was moved by another worker`);
  }
}

export class ImportRunNotFoundError extends Error {
  override readonly name = 'ImportRunNotFoundError';
  constructor(readonly importId: string) {
    super(`no import run ${importId}`);
  }
}

/**
 * OpenPhone refused the run's key (401), the workspace's plan (402) or its access (403) for a list:
 * every later request would be refused alike, so the run stops, failed, for the workflow to retry,
 * instead of skipping everything and calling the run done.
 */
export class ImportAccessRefusedError extends Error {
  override readonly name = 'ImportAccessRefusedError';
  constructor(
    readonly importId: string,
    readonly status: number,
    detail: string,
  ) {
    super(`import ${importId}: OpenPhone refused access (${status}): ${detail}`);
  }
}
