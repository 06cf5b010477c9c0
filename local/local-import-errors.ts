/** Why the local replica would not start an import run (the admin API maps them to 409 / 503). */

/** The replica is stopping: the run's next page is not started (the run ends failed, resumable by id). */
export class LocalReplicaStoppingError extends Error {
  override readonly name = 'LocalReplicaStoppingError';
  constructor() {
    super('the local replica stopped');
  }
}

/** No OpenPhone API to import from yet (the replica starts before its OpenPhone). */
export class ImportsNotConnectedError extends Error {
  override readonly name = 'ImportsNotConnectedError';
  constructor() {
    super('the local replica has no OpenPhone API to import from');
  }
}

/** A run of that id is already being worked in this process. */
export class ImportAlreadyRunningError extends Error {
  override readonly name = 'ImportAlreadyRunningError';
  constructor(readonly importId: string) {
    super(`import ${importId} is already running in the local replica`);
  }
}
