/** Test support for the observability integration tests (`@minitwit/monitoring/testing`). */
export { EXPORTERS, missingExporters, startExporters, type Exporters } from './exporters';
export { freePort, startProcess, waitForHttp, type RunningProcess } from './processes';
export {
  PROMETHEUS,
  renderScrapeConfig,
  type LocalTargets,
  startPrometheus,
  type PromSample,
  type PrometheusUnderTest,
} from './prometheus-under-test';
export { metricSample } from './metric-sample';
export { COMPOSE_TEST_SECRETS } from './compose-secrets';
export {
  OPERATOR_PATH_SPELLINGS,
  getExactly,
  looksLikeOperatorAnswer,
  type PlainAnswer,
  unrefusedSpellings,
} from './operator-paths';
