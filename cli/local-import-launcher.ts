import type { ImportRequest } from '../lambdas/history-import';
import { adminPaths } from '../local/admin-api';
import { callLocalAdmin } from './local-admin';
import type { ImportLauncher } from './target';

/** Asks a running `npm start` to run the import in its own process (the admin API answers once it started). */
export class LocalImportLauncher implements ImportLauncher {
  constructor(
    /** The replica's HTTP API, e.g. `http://127.0.0.1:3000`. */
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {}

  async start(request: ImportRequest): Promise<{ runsAs: string }> {
    await callLocalAdmin(this.baseUrl, 'POST', adminPaths.imports, request, this.fetchImpl);
    return { runsAs: `in the local replica at ${this.baseUrl}` };
  }
}
