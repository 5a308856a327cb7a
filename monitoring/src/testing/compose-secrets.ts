/**
 * Throwaway values for every secret docker-compose.yml and the observability
 * overlay require (`${VAR:?…}`), so tests can render the files without an
 * engine. Test-only: real deployments set their own (docs/operations.md).
 */
export const COMPOSE_TEST_SECRETS = {
  PATRONI_SUPERUSER_PASSWORD: 'testonly1',
  PATRONI_REPLICATION_PASSWORD: 'testonly2',
  PATRONI_REWIND_PASSWORD: 'testonly3',
  PATRONI_RESTAPI_PASSWORD: 'testonly4',
  MINITWIT_OWNER_PASSWORD: 'testonly5',
  MINITWIT_APP_PASSWORD: 'testonly6',
  MINITWIT_MONITOR_PASSWORD: 'testonly7',
  PGBACKREST_TLS_DIR: '/nonexistent/backup-tls',
  SIMULATOR_CREDENTIALS: 'sim:test-only',
  GRAFANA_ADMIN_PASSWORD: 'test-only',
} as const;
