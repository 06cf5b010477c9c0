import { defaultOverlapMs, defaultTimeBudget } from './import-plan';

export interface ImportPageSizes {
  /** @default 100 */ conversations: number;
  /** @default 100 */ messages: number;
  /** Each answered call costs three more requests (recordings, summary, transcript). @default 20 */
  calls: number;
  /** OpenPhone's maximum. @default 50 */ contacts: number;
}

export interface ImportSettings {
  /** Stop before a new page when less than this is left of the invocation. @default 30 s */
  reserveMs: number;
  /** How far an incremental sync reaches back before the previous run's start. @default 10 min */
  overlapMs: number;
  pageSizes: ImportPageSizes;
  /**
   * How long a run holds its scope without renewing (each invocation renews it): past it, a run
   * whose execution died no longer keeps the scope's syncs away. @default 1 hour
   */
  scopeLeaseMs: number;
}

export const defaultImportSettings: ImportSettings = {
  reserveMs: defaultTimeBudget.reserveMs,
  overlapMs: defaultOverlapMs,
  pageSizes: { conversations: 100, messages: 100, calls: 20, contacts: 50 },
  scopeLeaseMs: 60 * 60_000,
};

/** The defaults with `overrides` over them; page sizes are merged size by size. */
export function importSettingsWith(overrides: Partial<ImportSettings> = {}): ImportSettings {
  return {
    ...defaultImportSettings,
    ...overrides,
    pageSizes: { ...defaultImportSettings.pageSizes, ...overrides.pageSizes },
  };
}
