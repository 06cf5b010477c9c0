import type { Target } from '../cli/target';
import type { CrmApiClient } from './crm-api-client';
import type { Html, PageFrame } from './html';

// The contract between the console's server and its pages: pages import this, never server.ts.

/** What every page handler gets: the target, the CRM API, the request. */
export interface ConsoleRequest {
  target: Target;
  api: CrmApiClient;
  /** The token every state-changing form must send back. */
  csrf: string;
  url: URL;
  /** Path parameters of the matched route (`:id`). */
  params: Record<string, string>;
  /** The posted form (urlencoded or multipart), for POST. */
  form?: FormData;
  /** The notice an action left for this page (Post/Redirect/Get). */
  notice?: PageFrame['notice'];
}

export type ConsoleReply =
  | { kind: 'page'; title: string; section: PageFrame['section']; body: Html; status?: number }
  | { kind: 'redirect'; location: string; notice?: PageFrame['notice'] }
  | { kind: 'json'; body: unknown };

export type ConsoleRoute = (request: ConsoleRequest) => Promise<ConsoleReply>;

/** `GET /campaigns/:id` → handler. */
export type ConsoleRoutes = Record<string, ConsoleRoute>;
