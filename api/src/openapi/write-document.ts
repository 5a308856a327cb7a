import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { openApiDocument } from './document';

/**
 * Writes the generated OpenAPI document to api/openapi.json, the copy that
 * clients and reviewers read without starting the API. `npm run openapi -w api`;
 * document.test.ts fails when the committed copy and the schemas disagree.
 */
const COMMITTED_DOCUMENT = fileURLToPath(new URL('../../openapi.json', import.meta.url));

const options = await resolveConfig(COMMITTED_DOCUMENT);
await writeFile(
  COMMITTED_DOCUMENT,
  await format(JSON.stringify(openApiDocument), { ...options, filepath: COMMITTED_DOCUMENT }),
);
