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
