import { type ChildProcess, fork } from 'node:child_process';
import { sleep } from './clock';

/** A forked bench process spoken to with typed request/answer pairs over IPC. */
export interface BenchChild<Reply extends { type: string }> {
  child: ChildProcess;
  /** Sends a command and resolves with the next message of the answer type. */
  request<T extends Reply['type']>(command: object, answer: T): Promise<Extract<Reply, { type: T }>>;
  /** Asks it to stop, then kills it if it has not left within 5 s. */
  stop(command?: object): Promise<void>;
}

export function forkBench<Reply extends { type: string }>(
  module: string,
  env: Record<string, string>,
  execArgv: string[] = [],
): BenchChild<Reply> {
  const child = fork(new URL(module, import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx', ...execArgv],
    env: { PATH: process.env.PATH ?? '', ...env },
    // Typed arrays cross as they are (structured clone), not as JSON objects keyed by index.
    serialization: 'advanced',
  });
  child.setMaxListeners(0);
  return {
    child,
    request(command, answer) {
      return new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`${module} exited with ${code}`));
        const listener = (message: Reply) => {
          if (message.type !== answer) return;
          child.off('message', listener);
          child.off('exit', onExit);
          resolve(message as Extract<Reply, { type: typeof answer }>);
        };
        child.on('message', listener);
        child.once('exit', onExit);
        if (Object.keys(command).length) child.send(command);
      });
    },
    async stop(command = { type: 'stop' }) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.connected) child.send(command);
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
