import { randomBytes } from 'node:crypto';

/**
 * OpenPhone error codes are `<resource><variant><status>`, e.g. 0200401 for messages/401;
 * the resource part follows the published document (conversations and users are not in it).
 */
export const resourceCodes = {
  calls: '01',
  messages: '02',
  webhooks: '03',
  phoneNumbers: '04',
  callSummaries: '05',
  callTranscripts: '06',
  contactCustomFields: '07',
  contacts: '08',
  callRecordings: '09',
  conversations: '10',
  users: '11',
  tasks: '12',
  gateway: '00',
} as const;
export type ApiResource = keyof typeof resourceCodes;

export interface FieldError {
  readonly path: string;
  readonly message: string;
  readonly value: unknown;
  readonly schema: { readonly type: string };
}

export interface OpenPhoneErrorBody {
  message: string;
  code: string;
  status: number;
  docs: string;
  title: string;
  trace: string;
  description?: string;
  errors?: FieldError[];
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Not Enough Credits',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Unknown',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** An answer other than success; the router turns it into OpenPhone's error body. */
export class OpenPhoneApiError extends Error {
  constructor(
    readonly status: number,
    readonly resource: ApiResource,
    message: string,
    readonly extra: {
      readonly errors?: FieldError[];
      readonly description?: string;
      readonly title?: string;
      /** The two middle digits of the code when they are not the usual 00 (01 for 5xx). */
      readonly variant?: string;
    } = {},
  ) {
    super(message);
    this.name = 'OpenPhoneApiError';
  }

  body(): OpenPhoneErrorBody {
    const variant =
      this.extra.variant ??
      (this.status >= 500 || (this.resource === 'contacts' && this.status !== 401 && this.status !== 404)
        ? '01'
        : '00');
    return {
      message: this.message,
      code: `${resourceCodes[this.resource]}${variant}${this.status}`,
      status: this.status,
      docs: 'https://openphone.com/docs',
      title: this.extra.title ?? titles[this.status] ?? 'Error',
      trace: randomBytes(16).toString('hex'),
      ...(this.extra.description ? { description: this.extra.description } : {}),
      ...(this.extra.errors ? { errors: this.extra.errors } : {}),
    };
  }
}

export const notEnoughCredits = () =>
  new OpenPhoneApiError(
    402,
    'messages',
    'The organization does not have enough prepaid credits to send the message',
    {
      description: 'The organization does not have enough prepaid credits to send the message',
    },
  );
