import { format, resolveConfig } from 'prettier';
import { businessDashboard } from './business';
import { infrastructureDashboard } from './infrastructure';
import { logsDashboard } from './logs';
import type { Dashboard } from './panels';
import { realtimeDashboard } from './realtime';

/** Every dashboard, by the file it is generated to in monitoring/grafana/dashboards/. */
export const dashboards: Record<string, () => Dashboard> = {
  'minitwit-business.json': businessDashboard,
  'minitwit-infrastructure.json': infrastructureDashboard,
  'minitwit-realtime.json': realtimeDashboard,
  'minitwit-logs.json': logsDashboard,
};

/**
 * The JSON Grafana provisions. Panel ids are numbered here (the builders leave
 * them unset, and Grafana's panel links need them stable); the text is
 * formatted as the repo's prettier would, so `prettier --check` and the
 * byte-for-byte comparison with the source agree.
 */
export async function renderDashboard(build: () => Dashboard): Promise<string> {
  const dashboard = build();
  dashboard.panels?.forEach((panel, index) => {
    panel.id = index + 1;
  });
  const options = await resolveConfig(new URL('../../grafana/dashboards/x.json', import.meta.url).pathname);
  return format(JSON.stringify(dashboard), { ...options, parser: 'json' });
}
