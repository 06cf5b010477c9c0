import { z } from 'zod';
import { message } from './openphone-api';

/**
 * The workspace-wide message listing of the dated API version (`GET /messages`, since 30 Sept
 * 2026): every message of the workspace, newest first, in cursor pages, with no conversation
 * needed. What is confirmed and what is inferred: docs/openphone.md, "Workspace-wide messages".
 */

const phoneNumberFilter = z.string().min(1);

export const workspaceMessageFilters = z.object({
  /** Messages per page: 1–50 (Quo's default 10). */
  limit: z.number().int().min(1).max(50).optional(),
  /** The `nextCursor` of the previous page. */
  after: z.string().min(1).optional(),
  from: phoneNumberFilter.optional(),
  to: phoneNumberFilter.optional(),
  status: z.enum(['queued', 'sent', 'delivered', 'undelivered']).optional(),
  direction: z.enum(['incoming', 'outgoing']).optional(),
  phoneNumberId: z.string().regex(/^PN/, 'a phone number id (PN…)').optional(),
  userId: z.string().regex(/^US/, 'a user id (US…)').optional(),
  /** Creation time, exclusive (ISO 8601). Quo names a creation-time filter; this name is inferred. */
  createdAfter: z.iso.datetime({ offset: true }).optional(),
  createdBefore: z.iso.datetime({ offset: true }).optional(),
});
export type WorkspaceMessageFilters = z.input<typeof workspaceMessageFilters>;

/** A message of the listing: the v1 message, with the conversation it belongs to when Quo names it. */
export const workspaceMessage = message.extend({ conversationId: z.string().nullable().optional() });
export type WorkspaceMessage = z.infer<typeof workspaceMessage>;

/** Largest page the listing gives. */
export const maxWorkspaceMessagePage = 50;
