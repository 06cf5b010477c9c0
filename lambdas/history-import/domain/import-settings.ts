import { defaultOverlapMs, defaultTimeBudget } from './import-plan';

export interface ImportPageSizes {
  /** @default 100 */ conversations: number;
  /** Per-conversation pages; the workspace-wide listing's are at most 50. @default 100 */ messages: number;
  /** Pages of the workspace-wide listing (Quo's maximum). @default 50 */ workspaceMessages: number;
  /** Each answered call costs three more requests (recordings, summary, transcript). @default 20 */
  calls: number;
  /** OpenPhone's maximum. @default 50 */ contacts: number;
}

/**
 * How a run finds messages: `workspace`, Quo's workspace-wide `GET /messages` (50 a request,
 * whatever the conversation), then each conversation for its calls only; `per-conversation`, each
 * conversation's messages through `/v1/messages`. See docs/history-import.md, "Two ways to list messages".
 */
export const messageListings = ['workspace', 'per-conversation'] as const;
export type MessageListing = (typeof messageListings)[number];

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
  /** @default 'workspace' (when the client has the listing and the scope allows it) */
  messageListing: MessageListing;
}

export const defaultImportSettings: ImportSettings = {
  reserveMs: defaultTimeBudget.reserveMs,
  overlapMs: defaultOverlapMs,
  pageSizes: { conversations: 100, messages: 100, workspaceMessages: 50, calls: 20, contacts: 50 },
  scopeLeaseMs: 60 * 60_000,
  messageListing: 'workspace',
};

/** Some settings, and some page sizes: the rest are the defaults. */
export type ImportSettingsOverrides = Partial<Omit<ImportSettings, 'pageSizes'>> & {
  pageSizes?: Partial<ImportPageSizes>;
};

/** The defaults with `overrides` over them; page sizes are merged size by size. */
export function importSettingsWith(overrides: ImportSettingsOverrides = {}): ImportSettings {
  return {
    ...defaultImportSettings,
    ...overrides,
    pageSizes: { ...defaultImportSettings.pageSizes, ...overrides.pageSizes },
  };
}
