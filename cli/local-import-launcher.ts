import type { ImportRequest } from '../lambdas/history-import';
import { adminPaths } from '../local/admin-api';
import { callLocalAdmin, type LocalAdminAccess } from './local-admin';
import type { ImportLauncher } from './target';

/** Asks a running `npm start` to run the import in its own process (the admin API answers once it started). */
export class LocalImportLauncher implements ImportLauncher {
  constructor(private readonly access: LocalAdminAccess) {}

  async start(request: ImportRequest): Promise<{ runsAs: string }> {
    await callLocalAdmin(this.access, 'POST', adminPaths.imports, request);
    return { runsAs: `in the local replica at ${this.access.baseUrl}` };
  }
}
