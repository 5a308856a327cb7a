import { type ChildProcess, fork } from 'node:child_process';

/**
 * A helper process of a fault scenario (the balancer, the page hosts), run
 * apart from the test's event loop so that what is measured is the product,
 * not the test. Parent and child speak in numbered requests over IPC: the
 * child says `{ id: 0 }` once ready and answers each request with its id.
 */
export type Request<Body> = Body & { id: number };
export type Reply<Value> = { id: number; value: Value };

export interface Worker<Body extends object, Value> {
  child: ChildProcess;
  ask(request: Body): Promise<Value>;
  /** Sends the request that makes the child exit and waits until it has. */
  stop(request: Body): Promise<void>;
}

/** Forks `module` (a TypeScript sibling, run with `node --import tsx` as the services are) and waits until it is ready. */
export async function forkWorker<Body extends object, Value>(module: URL): Promise<Worker<Body, Value>> {
  const child = fork(module.pathname, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve(value: Value): void; reject(error: Error): void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      for (const { reject } of waiting.values()) reject(new Error(`${module.pathname} exited with ${code}`));
      waiting.clear();
      resolve();
    }),
  );
  child.on('message', (reply: Reply<Value>) => {
    waiting.get(reply.id)?.resolve(reply.value);
    waiting.delete(reply.id);
  });
  await new Promise<Value>((resolve, reject) => waiting.set(0, { resolve, reject }));
  const ask = (request: Body) =>
    new Promise<Value>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ ...request, id });
    });
  return {
    child,
    ask,
    async stop(request) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await ask(request).catch(() => undefined);
      await exited;
    },
  };
}

/**
 * The child's side: answers every request with `answer`, exits after one
 * that `ends`, and exits when its parent goes away (a crashed test leaves
 * nothing running).
 */
export function serveParent<Body extends object, Value>(
  answer: (request: Body) => Value | Promise<Value>,
  ends: (request: Body) => boolean,
): void {
  process.on('message', async (request: Request<Body>) => {
    const value = await answer(request);
    process.send!({ id: request.id, value } satisfies Reply<Value>);
    if (ends(request)) process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ id: 0, value: null });
}
