// The CRM API's scopes: one per kind of access. Each route declares the one it needs (routes.ts);
// API Gateway's JWT authorizer, the construct's grant methods, the replica's tokens and the
// OpenAPI document all read that declaration.

/** Each scope's name (as a JWT's `scope` claim carries it) and what it lets a caller do. */
export const crmApiScopes = {
  'crm/read':
    'Every GET: activities, timelines, conversations, contacts, messages sent through the API, suppressions and their audit, users, the OpenAPI document.',
  'crm/send': 'Send an SMS from the business number (`POST /v1/messages`).',
  'crm/contacts': 'Create and change contacts, in OpenPhone and the CRM.',
  'crm/suppressions': 'Suppress a number, and lift suppressions, opt-outs included.',
  'crm/erase': "Erase a person's activities, media and contact records.",
  'crm/conversations': 'Mark conversations done or open and create tasks on them, in OpenPhone and the CRM.',
} as const;

export type CrmApiScope = keyof typeof crmApiScopes;

export const crmApiScopeNames = Object.keys(crmApiScopes) as CrmApiScope[];
