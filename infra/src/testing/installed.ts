import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Which of these commands are not on PATH (tests that need them skip, saying so). */
export async function notInstalled(tools: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    tools.map((tool) =>
      run('sh', ['-c', `command -v ${tool}`]).then(
        () => true,
        () => false,
      ),
    ),
  );
  return tools.filter((_, i) => !found[i]);
}
