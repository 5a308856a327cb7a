/** An nginx `upstream` block as the proxy's backends files write it: its name, whether it has a zone, its servers. */
export interface Upstream {
  name: string;
  zone: boolean;
  /** Each `server` line's text after the word, e.g. `tasks.api:5001 resolve max_fails=1 fail_timeout=2s`. */
  servers: string[];
  /** Every other statement, as written: the balancing method, keepalive (e.g. `least_conn;`). */
  directives: string[];
}

/** The upstream blocks of a backends file (infra/nginx/backends*.conf), comments left out. */
export function upstreams(text: string): Upstream[] {
  return [...text.replace(/#.*$/gm, '').matchAll(/upstream (\w+) \{([^}]*)\}/g)].map(([, name = '', body = '']) => ({
    name,
    zone: /^\s*zone \w+ \d+k;/m.test(body),
    servers: [...body.matchAll(/^\s*server ([^;]+);/gm)].map(([, server = '']) => server.trim()),
    directives: [...body.matchAll(/^\s*(?!server |zone )(\w[^;]*;)/gm)].map(([, directive = '']) => directive.trim()),
  }));
}
