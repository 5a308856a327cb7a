/**
 * The simulator API, as OpenAPI 3.1. Served at /openapi.json and /docs; the
 * contract tests validate every response they see against it and check that
 * every documented (route, method, status) is exercised.
 */
const errorBody = {
  type: 'object',
  required: ['status', 'error_msg'],
  properties: { status: { type: 'integer' }, error_msg: { type: 'string' } },
  additionalProperties: false,
} as const;

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const noContent = { description: 'Done; the write is committed' } as const;
const forbidden = errorResponse('Missing or wrong simulator credentials');
const badRequest = errorResponse('Malformed JSON, wrong types, missing fields or bad query parameters');
const unknownUser = errorResponse('Unknown user');
const tooLarge = errorResponse('The request body is larger than 16 KiB');
const tooManyRegistrations = {
  ...errorResponse('Too many registrations from this address without the simulator credentials; see Retry-After'),
  headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', minimum: 1 } } },
};

const latestParam = {
  name: 'latest',
  in: 'query',
  required: false,
  description: 'The simulator action counter; recorded before anything else, even if the request is refused',
  schema: { type: 'integer' },
} as const;
const noParam = {
  name: 'no',
  in: 'query',
  required: false,
  description: 'How many items at most (default 100, at most 10000)',
  schema: { type: 'integer', minimum: 0, maximum: 10000, default: 100 },
} as const;
const usernameParam = {
  name: 'username',
  in: 'path',
  required: true,
  description: 'URL-encoded; may contain spaces and any Unicode',
  schema: { type: 'string' },
} as const;

const jsonBody = (ref: string) => ({
  required: true,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const jsonResponse = (description: string, ref: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'MiniTwit simulator API',
    version: '1.0.0',
    description:
      'The REST API the ITU DevOps course simulator drives. Every request except /register and /latest needs `Authorization: Basic <simulator credentials>`.',
  },
  components: {
    securitySchemes: { simulator: { type: 'http', scheme: 'basic' } },
    schemas: {
      Error: errorBody,
      Latest: {
        type: 'object',
        required: ['latest'],
        properties: { latest: { type: 'integer' } },
        additionalProperties: false,
      },
      Register: {
        type: 'object',
        required: ['username', 'email', 'pwd'],
        properties: { username: { type: 'string' }, email: { type: 'string' }, pwd: { type: 'string' } },
      },
      NewMessage: {
        type: 'object',
        required: ['content'],
        properties: { content: { type: 'string', maxLength: 500 } },
      },
      Message: {
        type: 'object',
        required: ['content', 'pub_date', 'user'],
        properties: {
          content: { type: 'string' },
          pub_date: { type: 'integer', description: 'Unix seconds' },
          user: { type: 'string' },
        },
        additionalProperties: false,
      },
      Messages: { type: 'array', items: { $ref: '#/components/schemas/Message' } },
      Follows: {
        type: 'object',
        required: ['follows'],
        properties: { follows: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
      FollowAction: {
        oneOf: [
          {
            type: 'object',
            required: ['follow'],
            properties: { follow: { type: 'string' } },
            additionalProperties: false,
          },
          {
            type: 'object',
            required: ['unfollow'],
            properties: { unfollow: { type: 'string' } },
            additionalProperties: false,
          },
        ],
      },
    },
  },
  security: [{ simulator: [] }],
  paths: {
    '/latest': {
      get: {
        summary: 'The last recorded `latest` value (0 before any)',
        security: [],
        responses: { '200': jsonResponse('The counter', 'Latest') },
      },
    },
    '/register': {
      post: {
        summary: 'Register a user',
        description:
          'Needs no credentials. Calls without the simulator credentials are limited per address (API_REGISTRATIONS_PER_ADDRESS_PER_HOUR); calls with them never are.',
        security: [],
        parameters: [latestParam],
        requestBody: jsonBody('Register'),
        responses: { '204': noContent, '400': badRequest, '413': tooLarge, '429': tooManyRegistrations },
      },
    },
    '/msgs': {
      get: {
        summary: 'The public timeline, newest first, flagged messages excluded',
        parameters: [latestParam, noParam],
        responses: { '200': jsonResponse('Messages', 'Messages'), '400': badRequest, '403': forbidden },
      },
    },
    '/msgs/{username}': {
      get: {
        summary: "A user's messages, newest first",
        parameters: [usernameParam, latestParam, noParam],
        responses: {
          '200': jsonResponse('Messages', 'Messages'),
          '400': badRequest,
          '403': forbidden,
          '404': unknownUser,
        },
      },
      post: {
        summary: 'Post a message as that user',
        parameters: [usernameParam, latestParam],
        requestBody: jsonBody('NewMessage'),
        responses: { '204': noContent, '400': badRequest, '403': forbidden, '404': unknownUser, '413': tooLarge },
      },
    },
    '/fllws/{username}': {
      get: {
        summary: 'Whom that user follows',
        parameters: [usernameParam, latestParam, noParam],
        responses: {
          '200': jsonResponse('Usernames', 'Follows'),
          '400': badRequest,
          '403': forbidden,
          '404': unknownUser,
        },
      },
      post: {
        summary: 'Follow or unfollow another user (a repeat is a no-op)',
        parameters: [usernameParam, latestParam],
        requestBody: jsonBody('FollowAction'),
        responses: { '204': noContent, '400': badRequest, '403': forbidden, '404': unknownUser, '413': tooLarge },
      },
    },
  },
} as const;
