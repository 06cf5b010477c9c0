import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type {
  Activity,
  ApiError,
  ApiMessage,
  Contact,
  Conversation,
  NewTaskBody,
  Suppression,
  Task,
} from '../lambdas/crm-api';

// The response-time report's answer: the API's own types (it sends them as JSON).
import type { ResponseTimeReport } from '../lambdas/crm';

export type { Activity, ApiError, Contact, Conversation, Suppression, Task };
export type {
  ResponseTimeReport,
  ResponseTimeRow,
  ResponseTimeTotals,
  UnreturnedMissedCall as MissedCall,
} from '../lambdas/crm';

/** The API's own task body (`POST /v1/conversations/{id}/tasks`). */
export type NewTask = NewTaskBody;

export type ApiAnswer<T> =
  { ok: true; status: number; body: T } | { ok: false; status: number; error: ApiError; retryAfter?: string };

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Adds the credentials a request needs: a bearer token (the replica) or a SigV4 signature (a stack). */
export type Authorize = (request: ApiRequest) => Promise<Record<string, string>>;

export function bearerToken(token: string): Authorize {
  return async (request) => ({ ...request.headers, authorization: `Bearer ${token}` });
}

/** A Sha256 checksum for SignatureV4 over node:crypto (hmac when given a secret). */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (data: SourceData) =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret ? createHmac('sha256', bytesOf(this.secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** Signs with the operator's own AWS credentials, as API Gateway's IAM authorizer expects. */
export function sigV4(options: { region: string; profile?: string }): Authorize {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials: defaultProvider(options.profile ? { profile: options.profile } : {}),
    sha256: NodeSha256,
  });
  return async (request) => {
    const signed = await signer.sign({
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      ...(request.url.port ? { port: Number(request.url.port) } : {}),
      path: request.url.pathname,
      query: Object.fromEntries(request.url.searchParams),
      headers: { ...request.headers, host: request.url.host },
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    return signed.headers as Record<string, string>;
  };
}

/** One media link of an activity (its recordings, attachments, voicemail). */
export type MediaLink = NonNullable<Activity['recordings']>[number];

const encodePhone = (phone: string) => encodeURIComponent(phone);

/**
 * The console's one way to the CRM API (`/v1`): the replica's, with its bearer token, or a deployed
 * stack's, signed with SigV4. Answers are values (`ok` or the API's error), never thrown.
 */
export class CrmApiClient {
  private paths: Promise<Set<string>> | undefined;

  constructor(
    /** The API's base, ending in `/v1`. */
    readonly baseUrl: string,
    private readonly authorize: Authorize,
  ) {}

  async request<T>(
    method: ApiRequest['method'],
    path: string,
    options: {
      query?: Record<string, string | undefined>;
      body?: unknown;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiAnswer<T>> {
    const url = new URL(`${this.baseUrl.replace(/\/$/, '')}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, value);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const request: ApiRequest = {
      method,
      url,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(body !== undefined ? { body } : {}),
    };
    const response = await fetch(url, {
      method,
      headers: await this.authorize(request),
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (response.ok) return { ok: true, status: response.status, body: json as T };
    const error =
      json && typeof json === 'object' && 'error' in json
        ? (json as ApiError)
        : { error: `http_${response.status}`, message: `the CRM API answered ${response.status}` };
    const retryAfter = response.headers.get('retry-after');
    return { ok: false, status: response.status, error, ...(retryAfter ? { retryAfter } : {}) };
  }

  /** Whether the API serves a route (`/v1/messages`), from its OpenAPI document: routes still being built are absent. */
  async hasRoute(path: string, method: string): Promise<boolean> {
    this.paths ??= this.request<{ paths?: Record<string, Record<string, unknown>> }>(
      'GET',
      '/openapi.json',
    ).then(
      (answer) =>
        new Set(
          answer.ok
            ? Object.entries(answer.body.paths ?? {}).flatMap(([p, methods]) =>
                Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`),
              )
            : [],
        ),
    );
    const paths = await this.paths.catch(() => new Set<string>());
    return paths.has(`${method.toUpperCase()} ${path}`);
  }

  findContacts(phone: string) {
    return this.request<{ items: Contact[] }>('GET', '/contacts', { query: { phone } });
  }

  timeline(phone: string, options: { limit?: number; cursor?: string } = {}) {
    return this.request<{ items: Activity[]; cursor?: string }>(
      'GET',
      `/contacts/${encodePhone(phone)}/timeline`,
      {
        query: { limit: options.limit?.toString(), cursor: options.cursor },
      },
    );
  }

  /** One activity in full: the timeline leaves transcripts out. */
  activity(id: string) {
    return this.request<Activity>('GET', `/activities/${encodeURIComponent(id)}`);
  }

  suppression(phone: string) {
    return this.request<Suppression>('GET', `/suppressions/${encodePhone(phone)}`);
  }

  suppress(phone: string, note: string | undefined) {
    return this.request<Suppression>('PUT', `/suppressions/${encodePhone(phone)}`, {
      body: { reason: 'manual', ...(note ? { note } : {}) },
    });
  }

  liftSuppression(phone: string, options: { reason?: string; confirmConsent?: boolean; note?: string } = {}) {
    return this.request<Suppression>('DELETE', `/suppressions/${encodePhone(phone)}`, {
      query: {
        reason: options.reason || undefined,
        confirmConsent: options.confirmConsent ? 'true' : undefined,
        note: options.note || undefined,
      },
    });
  }

  /** A review settled by the operator's explicit choice: it was an opt-out, or it was not. */
  settleReview(phone: string, resolution: 'opt-out' | 'not-an-opt-out', note?: string) {
    return this.request<Suppression>('POST', `/suppressions/${encodePhone(phone)}/review`, {
      body: { resolution, ...(note ? { note } : {}) },
    });
  }

  sendMessage(message: { to: string; text: string; from?: string }, idempotencyKey: string) {
    return this.request<ApiMessage>('POST', '/messages', {
      body: message,
      headers: { 'idempotency-key': idempotencyKey },
    });
  }

  message(id: string) {
    return this.request<ApiMessage>('GET', `/messages/${encodeURIComponent(id)}`);
  }

  /** The conversations waiting for an answer, oldest first. */
  waitingConversations(options: { limit?: number; cursor?: string } = {}) {
    return this.request<{ items: Conversation[]; cursor?: string }>('GET', '/conversations', {
      query: { waiting: 'true', limit: options.limit?.toString(), cursor: options.cursor },
    });
  }

  conversation(id: string) {
    return this.request<Conversation>('GET', `/conversations/${encodeURIComponent(id)}`);
  }

  /** Marks the conversation done in OpenPhone and ends its waiting spell (not as an answer). */
  markConversationDone(id: string) {
    return this.request<{ conversation: Conversation }>(
      'POST',
      `/conversations/${encodeURIComponent(id)}/done`,
      { body: {} },
    );
  }

  createConversationTask(id: string, task: NewTask) {
    return this.request<{ task: Task }>('POST', `/conversations/${encodeURIComponent(id)}/tasks`, {
      body: task,
    });
  }

  conversationTasks(id: string) {
    return this.request<{ items: Task[] }>('GET', `/conversations/${encodeURIComponent(id)}/tasks`);
  }

  /** Daily first-response times, `from`..`to` (YYYY-MM-DD, the lines' local days). */
  responseTimes(range: { from: string; to: string; by?: 'number' | 'user' }) {
    return this.request<ResponseTimeReport>('GET', '/reports/response-times', {
      query: { from: range.from, to: range.to, by: range.by },
    });
  }
}
