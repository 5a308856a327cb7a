import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { errorBody, followsBody, latestBody, messagesBody } from '../http/responses';
import { followBody, latestQuery, messageBody, noQuery, registerBody, usernamePath } from '../http/validation';

/**
 * The simulator API, as OpenAPI 3.1, generated from the zod schemas the
 * routes validate with and the presenters are typed by (one source of truth).
 * Served at /openapi.json and /docs; committed as api/openapi.json
 * (`npm run openapi -w api` writes it, and a test fails when it drifts); the
 * contract tests validate every response they see against it and check that
 * every documented (route, method, status) is exercised.
 */
export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'simulator', { type: 'http', scheme: 'basic' });

  const json = (description: string, schema: z.ZodType): ResponseConfig => ({
    description,
    content: { 'application/json': { schema } },
  });
  const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema } } });
  const noContent: ResponseConfig = { description: 'Done; the write is committed' };
  const forbidden = json('Missing or wrong simulator credentials', errorBody);
  const badRequest = json('Malformed JSON, wrong types, missing fields or bad query parameters', errorBody);
  const unknownUser = json('Unknown user', errorBody);
  const tooLarge = json('The request body is larger than 16 KiB', errorBody);
  const tooManyRegistrations: ResponseConfig = {
    ...json('Too many registrations from this address without the simulator credentials; see Retry-After', errorBody),
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', minimum: 1 } } },
  };
  const latest = z.object({ latest: latestQuery });
  const page = z.object({ latest: latestQuery, no: noQuery });
  const user = z.object({ username: usernamePath });

  registry.registerPath({
    method: 'get',
    path: '/latest',
    summary: 'The last recorded `latest` value (0 before any)',
    security: [],
    responses: { 200: json('The counter', latestBody) },
  });
  registry.registerPath({
    method: 'post',
    path: '/register',
    summary: 'Register a user',
    description:
      'Needs no credentials. Calls without the simulator credentials are limited per address (API_REGISTRATIONS_PER_ADDRESS_PER_HOUR); calls with them never are.',
    security: [],
    request: { query: latest, body: body(registerBody) },
    responses: { 204: noContent, 400: badRequest, 413: tooLarge, 429: tooManyRegistrations },
  });
  registry.registerPath({
    method: 'get',
    path: '/msgs',
    summary: 'The public timeline, newest first, flagged messages excluded',
    request: { query: page },
    responses: { 200: json('Messages', messagesBody), 400: badRequest, 403: forbidden },
  });
  registry.registerPath({
    method: 'get',
    path: '/msgs/{username}',
    summary: "A user's messages, newest first",
    request: { params: user, query: page },
    responses: { 200: json('Messages', messagesBody), 400: badRequest, 403: forbidden, 404: unknownUser },
  });
  registry.registerPath({
    method: 'post',
    path: '/msgs/{username}',
    summary: 'Post a message as that user',
    request: { params: user, query: latest, body: body(messageBody) },
    responses: { 204: noContent, 400: badRequest, 403: forbidden, 404: unknownUser, 413: tooLarge },
  });
  registry.registerPath({
    method: 'get',
    path: '/fllws/{username}',
    summary: 'Whom that user follows',
    request: { params: user, query: page },
    responses: { 200: json('Usernames', followsBody), 400: badRequest, 403: forbidden, 404: unknownUser },
  });
  registry.registerPath({
    method: 'post',
    path: '/fllws/{username}',
    summary: 'Follow or unfollow another user (a repeat is a no-op)',
    request: { params: user, query: latest, body: body(followBody) },
    responses: { 204: noContent, 400: badRequest, 403: forbidden, 404: unknownUser, 413: tooLarge },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'MiniTwit simulator API',
      version: '1.0.0',
      description:
        'The REST API the ITU DevOps course simulator drives. Every request except /register and /latest needs `Authorization: Basic <simulator credentials>`.',
    },
    security: [{ simulator: [] }],
  });
}

/** Generated once at start: what /openapi.json serves and the contract tests check against. */
export const openApiDocument = buildOpenApiDocument();
