import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

const BUILT_HANDLER = new URL('../../web/build/handler.js', import.meta.url);

/** The SvelteKit app as a plain Node request handler (adapter-node's build); `npm start` builds it first. */
export async function loadWebHandler(): Promise<NodeHandler> {
  if (!existsSync(BUILT_HANDLER)) {
    throw new Error('The web app is not built: run `npm run build` (npm start does it for you)');
  }
  const module = (await import(BUILT_HANDLER.href)) as { handler: NodeHandler };
  return module.handler;
}
