// Checks real responses against an OpenAPI 3.1 document: documented operation and status, required and typed top-level properties.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Router from '@koa/router';

type Schema = { $ref?: string; type?: string | string[]; required?: string[]; properties?: Record<string, Schema>; oneOf?: Schema[]; allOf?: Schema[] };
interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: Schema }> }>;
}
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

export function loadOpenApi(url: URL): OpenApiDoc {
  const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
  return yaml.load(readFileSync(url, 'utf8')) as OpenApiDoc;
}

export function openApiChecker(doc: OpenApiDoc) {
  const deref = <T extends { $ref?: string }>(node: T): T => {
    if (!node.$ref) return node;
    let target: unknown = doc;
    for (const part of node.$ref.replace(/^#\//, '').split('/')) target = (target as Record<string, unknown>)[part];
    return deref(target as T);
  };
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);
  const fits = (value: unknown, raw: Schema): boolean => {
    const s = deref(raw);
    if (s.oneOf) return s.oneOf.some((x) => fits(value, x));
    if (!s.type) return true;
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const actual = typeOf(value);
    return types.includes(actual) || (actual === 'integer' && types.includes('number'));
  };
  return {
    /** Problems of one response: undocumented operation or status, missing required or mistyped top-level properties. */
    problems(method: string, path: string, status: number, body: unknown): string[] {
      const op = doc.paths[path]?.[method.toLowerCase()];
      if (!op) return [`${method} ${path} is not documented`];
      const documented = op.responses[String(status)];
      if (!documented) return [`${method} ${path}: status ${status} is not documented`];
      const schemaRef = deref(documented).content?.['application/json']?.schema;
      if (!schemaRef) return body === undefined || body === null || body === '' ? [] : [`${method} ${path} ${status}: undocumented body`];
      const schema = deref(schemaRef);
      if (typeOf(body) !== 'object') return [`${method} ${path} ${status}: body is not an object`];
      const rec = body as Record<string, unknown>;
      const out: string[] = [];
      for (const name of schema.required ?? []) if (!(name in rec)) out.push(`${method} ${path} ${status}: missing ${name}`);
      for (const [name, prop] of Object.entries(schema.properties ?? {})) if (name in rec && !fits(rec[name], prop)) out.push(`${method} ${path} ${status}: ${name} has type ${typeOf(rec[name])}`);
      return out;
    },
    /** "METHOD /path/{param}" of every documented operation. */
    documented(): string[] {
      return Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
    },
  };
}

/** "METHOD /path/{param}" of every route of the routers (HEAD left out). */
export function routedOperations(...routers: Router[]): string[] {
  const out = new Set<string>();
  for (const router of routers) {
    for (const layer of router.stack) {
      for (const method of layer.methods) {
        if (method === 'HEAD' || layer.methods.length === 0) continue;
        out.add(`${method} ${String(layer.path).replace(/:(\w+)/g, '{$1}').replace(/\/$/, '')}`);
      }
    }
  }
  return [...out];
}
