import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * OpenPhone's published OpenAPI document, read from beside the repository (`<repo>/../shared`).
 * It is reference data: tests read it, the project never copies it.
 */
export const openApiDocumentPath = path.join(__dirname, '../../../shared/openphone-openapi-v1.json');

type JsonObject = Record<string, unknown>;
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, JsonObject>>;
  readonly components?: JsonObject;
}

export type ValidationResult =
  { readonly valid: true } | { readonly valid: false; readonly errors: string[] };

export interface RequestToValidate {
  /** Query parameters: a URLSearchParams, or name → value(s). `name[]` is read as `name`. */
  readonly query?: URLSearchParams | Record<string, string | string[] | number | boolean | undefined>;
  readonly pathParams?: Record<string, string>;
  /** The JSON body, already parsed; undefined when there is none. */
  readonly body?: unknown;
}

export interface OpenApiValidator {
  readonly document: OpenApiDocument;
  /** Every operation in the document, as `METHOD /template`. */
  operations(): string[];
  hasOperation(method: HttpMethod, pathTemplate: string): boolean;
  /** The template (e.g. `/v1/messages/{id}`) a concrete path belongs to, if any. */
  templateOf(method: HttpMethod, concretePath: string): string | undefined;
  /** Checks a response body against the schema the document gives for (method, path, status). */
  validateResponse(method: HttpMethod, pathTemplate: string, status: number, body: unknown): ValidationResult;
  /** Checks query, path parameters and JSON body of a request against the operation. */
  validateRequest(method: HttpMethod, pathTemplate: string, request: RequestToValidate): ValidationResult;
  /** The same for a request as a client sends it: method, full URL (any host), parsed JSON body. */
  validateRequestUrl(method: HttpMethod, url: string | URL, body?: unknown): ValidationResult;
}

/** The document when it is present beside the repository, otherwise undefined (tests skip). */
export function loadOpenApiDocument(file = openApiDocumentPath): OpenApiDocument | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
}

export function createOpenApiValidator(document: OpenApiDocument): OpenApiValidator {
  const ajv = newAjv(false);
  const coercingAjv = newAjv(true);
  const cache = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: unknown, coerce = false): ValidateFunction => {
    const cacheKey = `${coerce ? 'c' : 'p'}:${key}`;
    let validate = cache.get(cacheKey);
    if (!validate) {
      validate = (coerce ? coercingAjv : ajv).compile(toJsonSchema(document, schema) as object);
      cache.set(cacheKey, validate);
    }
    return validate;
  };

  const operationOf = (method: HttpMethod, pathTemplate: string): JsonObject => {
    const operation = document.paths[pathTemplate]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${pathTemplate} is not in the OpenAPI document`);
    return resolveRef(document, operation) as JsonObject;
  };

  return {
    document,
    operations: () =>
      Object.entries(document.paths).flatMap(([template, item]) =>
        Object.keys(item)
          .filter((m) => ['get', 'post', 'patch', 'put', 'delete'].includes(m))
          .map((m) => `${m.toUpperCase()} ${template}`),
      ),
    hasOperation: (method, pathTemplate) => Boolean(document.paths[pathTemplate]?.[method.toLowerCase()]),
    templateOf: (method, concretePath) =>
      Object.keys(document.paths).find(
        (template) =>
          document.paths[template]?.[method.toLowerCase()] !== undefined &&
          new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(concretePath),
      ),

    validateResponse(method, pathTemplate, status, body) {
      const operation = operationOf(method, pathTemplate);
      const responses = (operation.responses ?? {}) as Record<string, JsonObject>;
      const response = resolveRef(
        document,
        responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default,
      ) as JsonObject | undefined;
      if (!response) return invalid([`status ${status} is not documented for ${method} ${pathTemplate}`]);
      const schema = (response.content as Record<string, JsonObject> | undefined)?.['application/json']
        ?.schema;
      if (schema === undefined) {
        return body === undefined || body === ''
          ? { valid: true }
          : invalid([`status ${status} has no body, got one`]);
      }
      const validate = compile(`response ${method} ${pathTemplate} ${status}`, schema);
      return validate(body) ? { valid: true } : invalid(describe(validate.errors));
    },

    validateRequestUrl(method, url, body) {
      const parsed = new URL(url);
      const template = this.templateOf(method, parsed.pathname);
      if (!template) return invalid([`${method} ${parsed.pathname} matches no operation of the document`]);
      return this.validateRequest(method, template, {
        query: parsed.searchParams,
        pathParams: pathParamsOf(template, parsed.pathname),
        body,
      });
    },

    validateRequest(method, pathTemplate, request) {
      const operation = operationOf(method, pathTemplate);
      const errors: string[] = [];
      const parameters = ((operation.parameters ?? []) as JsonObject[]).map(
        (p) => resolveRef(document, p) as JsonObject,
      );
      for (const location of ['query', 'path'] as const) {
        const declared = parameters.filter((p) => p.in === location);
        const given = location === 'query' ? queryRecord(request.query) : { ...(request.pathParams ?? {}) };
        if (declared.length === 0 && Object.keys(given).length === 0) continue;
        const schema = {
          type: 'object',
          properties: Object.fromEntries(declared.map((p) => [p.name as string, p.schema ?? {}])),
          required: declared.filter((p) => p.required).map((p) => p.name as string),
          additionalProperties: false,
        };
        const validate = compile(`${location} ${method} ${pathTemplate}`, schema, true);
        if (!validate(structuredClone(given)))
          errors.push(...describe(validate.errors).map((e) => `${location}${e}`));
      }
      const requestBody = resolveRef(document, operation.requestBody) as JsonObject | undefined;
      const bodySchema = (requestBody?.content as Record<string, JsonObject> | undefined)?.[
        'application/json'
      ]?.schema;
      if (request.body === undefined) {
        if (requestBody?.required) errors.push('body is required');
      } else if (bodySchema === undefined) {
        errors.push(`${method} ${pathTemplate} takes no JSON body`);
      } else {
        const validate = compile(`body ${method} ${pathTemplate}`, bodySchema);
        if (!validate(request.body)) errors.push(...describe(validate.errors).map((e) => `body${e}`));
      }
      return errors.length === 0 ? { valid: true } : invalid(errors);
    },
  };
}

/** `{ id: 'AC1' }` for template `/v1/messages/{id}` and path `/v1/messages/AC1`. */
export function pathParamsOf(template: string, concretePath: string): Record<string, string> {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const values =
    new RegExp(`^${template.replace(/\{\w+\}/g, '([^/]+)')}$`).exec(concretePath)?.slice(1) ?? [];
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]));
}

function newAjv(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    ...(coerce ? { coerceTypes: 'array' as const } : {}),
  });
  addFormats(ajv);
  return ajv;
}

const invalid = (errors: string[]): ValidationResult => ({ valid: false, errors });

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
  );
}

function queryRecord(query: RequestToValidate['query']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const add = (rawName: string, value: unknown) => {
    const name = rawName.endsWith('[]') ? rawName.slice(0, -2) : rawName;
    if (name in out) out[name] = ([] as unknown[]).concat(out[name], value);
    else out[name] = value;
  };
  if (query instanceof URLSearchParams) for (const [name, value] of query) add(name, value);
  else for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) add(name, value);
  return out;
}

function resolveRef(document: OpenApiDocument, value: unknown): unknown {
  let current = value;
  for (let depth = 0; depth < 20; depth++) {
    if (!current || typeof current !== 'object' || typeof (current as JsonObject).$ref !== 'string')
      return current;
    current = pointer(document, (current as JsonObject).$ref as string);
  }
  throw new Error('$ref chain too deep');
}

function pointer(document: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as JsonObject | undefined)?.[key], document);
}

/** Keywords ajv must not see: OpenAPI-only ones, annotations some documents get wrong, nested ids. */
const annotationsToDrop = new Set([
  '$id',
  'example',
  'examples',
  'nullable',
  'discriminator',
  'xml',
  'externalDocs',
]);

/**
 * An OpenAPI schema as plain JSON Schema for ajv: local $refs inlined, 3.0 `nullable`
 * turned into a null alternative, nested `$id`s dropped so a schema can be compiled twice.
 */
function toJsonSchema(document: OpenApiDocument, schema: unknown, seen: string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(document, s, seen));
  if (!schema || typeof schema !== 'object') return schema;
  const node = schema as JsonObject;
  if (typeof node.$ref === 'string') {
    if (seen.includes(node.$ref)) return {}; // a recursive schema: accept anything below the cycle
    return toJsonSchema(document, pointer(document, node.$ref), [...seen, node.$ref]);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (annotationsToDrop.has(key)) continue;
    out[key] =
      key === 'properties' || key === 'patternProperties' || key === '$defs' || key === 'definitions'
        ? Object.fromEntries(
            Object.entries(value as JsonObject).map(([k, v]) => [k, toJsonSchema(document, v, seen)]),
          )
        : toJsonSchema(document, value, seen);
  }
  if (node.nullable === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}
