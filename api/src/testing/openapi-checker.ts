import { Ajv2020 } from 'ajv/dist/2020.js';
import { openApiDocument } from '../openapi/document';

/** Escapes a JSON-pointer segment. */
const pointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

interface Operation {
  responses: Record<string, { content?: Record<string, unknown> }>;
}

const documentedPaths = (openApiDocument.paths ?? {}) as Record<string, Record<string, Operation>>;

/**
 * Holds the API to its OpenAPI document: each observed answer must be a
 * documented (path, method, status) and its body must match the documented
 * schema; `unexercised()` lists what the tests never saw.
 */
export class OpenApiChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly seen = new Set<string>();
  private readonly paths = Object.keys(documentedPaths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));

  constructor() {
    this.ajv.addSchema(openApiDocument, 'openapi');
  }

  /** Returns the problems with one answer; an empty list means it conforms. */
  check(method: string, url: string, status: number, body: unknown): string[] {
    const pathname = new URL(url, 'http://x').pathname;
    const path = this.paths.find(({ pattern }) => pattern.test(pathname));
    if (!path) return [`${pathname} is not a documented path`];
    const verb = method.toLowerCase();
    const operation = documentedPaths[path.template]?.[verb];
    if (!operation) return [`${method} ${path.template} is not documented`];
    const response = operation.responses[String(status)];
    if (!response) return [`${method} ${path.template} → ${status} is not documented`];
    this.seen.add(`${verb} ${path.template} ${status}`);
    if (!response.content) return body === undefined ? [] : [`${status} should have no body`];
    const ref = `openapi#/paths/${pointer(path.template)}/${verb}/responses/${status}/content/${pointer('application/json')}/schema`;
    const validate = this.ajv.getSchema(ref) ?? this.ajv.compile({ $ref: ref });
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || 'body'} ${error.message ?? 'is invalid'}`);
  }

  /** Documented answers no test has produced. */
  unexercised(): string[] {
    const all: string[] = [];
    for (const [template, operations] of Object.entries(documentedPaths)) {
      for (const [verb, operation] of Object.entries(operations)) {
        for (const status of Object.keys(operation.responses)) all.push(`${verb} ${template} ${status}`);
      }
    }
    return all.filter((key) => !this.seen.has(key));
  }
}
