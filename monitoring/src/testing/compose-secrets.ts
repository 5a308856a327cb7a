/**
 * What docker-compose.yml and the observability overlay require (`${VAR:?…}`)
 * to render without an engine: the directories their secret files come from.
 * Test-only paths that do not exist; real deployments make their own
 * (docs/operations.md). No secret value is passed to compose any more.
 */
export const COMPOSE_TEST_SECRETS = {
  MINITWIT_SECRETS_DIR: '/nonexistent/secrets',
  PGBACKREST_TLS_DIR: '/nonexistent/backup-tls',
} as const;
