import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, openApiDocument } from './document';

const committedPath = new URL('../../openapi.json', import.meta.url);

describe('the OpenAPI document', () => {
  it('committed as api/openapi.json is the one the schemas generate (else run `npm run openapi -w api`)', async () => {
    const committed: unknown = JSON.parse(await readFile(committedPath, 'utf8'));
    expect(committed).toEqual(openApiDocument);
  });

  it('is generated the same way every time', () => {
    expect(buildOpenApiDocument()).toEqual(openApiDocument);
  });

  it('names every body schema and carries the bounds set beside them (message length, `no`)', () => {
    const schemas = openApiDocument.components?.schemas ?? {};
    expect(Object.keys(schemas).sort()).toEqual(
      ['Error', 'FollowAction', 'Follows', 'Latest', 'Message', 'Messages', 'NewMessage', 'Register'].sort(),
    );
    expect(schemas.NewMessage).toMatchObject({ properties: { content: { type: 'string', maxLength: 500 } } });
    const page = openApiDocument.paths?.['/msgs']?.get?.parameters ?? [];
    expect(page).toContainEqual(
      expect.objectContaining({ name: 'no', in: 'query', schema: expect.objectContaining({ maximum: 10_000 }) }),
    );
  });
});
