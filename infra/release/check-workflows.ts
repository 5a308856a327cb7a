/**
 * Checks the hosted CI workflows (.github/workflows/*.yml) without GitHub:
 *  - they parse with GitHub's own parser (@actions/workflow-parser), which
 *    validates them against the workflow schema and parses every `${{ }}`
 *    expression (syntax and the contexts allowed where it stands);
 *  - every `run` step is one command that calls something of the repository
 *    (`bash <script>`, `npx tsx <file>`, `npm run <script>`, `npm ci`, `npm test`)
 *    and everything it names exists: no logic lives only in YAML, so the same
 *    scripts run in .ci/run and by hand.
 * Usage: npm run check:workflows  (exit 1 with one line per problem)
 *        tsx infra/release/check-workflows.ts [<repository>]  (another checkout; the tests)
 * Run through tsx: the parser imports JSON without an import attribute, which
 * Node (and so vitest, which leaves node_modules to Node) refuses.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The command forms a step may use; anything else is logic that belongs in a script. */
const ALLOWED = [
  /^bash (?<file>[\w./-]+)(?: .*)?$/,
  /^npx tsx (?<file>[\w./-]+)(?: .*)?$/,
  /^npm run (?<script>[\w:-]+)(?: .*)?$/,
  /^npm ci(?: --[\w-]+)*$/,
  /^npm test$/,
];

interface RawStep {
  name?: string;
  run?: unknown;
}

/** Problems of one workflow file's text; `repo` is where its scripts must exist. */
export async function checkWorkflow(name: string, content: string, repo: string = root): Promise<string[]> {
  const problems: string[] = [];
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  problems.push(...parsed.context.errors.getErrors().map((error) => error.message));
  if (problems.length === 0 && parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    problems.push(...(template.errors ?? []).map((error) => `${name}: ${error.Message}`));
  }

  const scripts = Object.keys(
    (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ??
      {},
  );
  const raw = parse(content) as { jobs?: Record<string, { steps?: RawStep[] }> } | null;
  for (const [jobId, job] of Object.entries(raw?.jobs ?? {})) {
    for (const [index, step] of (job.steps ?? []).entries()) {
      if (step.run === undefined) continue;
      const where = `${name}: job ${jobId}, step ${step.name ?? index + 1}`;
      const lines = String(step.run)
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      if (lines.length !== 1) {
        problems.push(`${where}: a run step is one command calling a script (found ${lines.length} lines)`);
        continue;
      }
      const command = lines[0]!;
      const match = ALLOWED.map((form) => form.exec(command)).find(Boolean);
      if (!match) {
        problems.push(`${where}: '${command}' is not a call of a repository script (bash, npx tsx, npm run)`);
        continue;
      }
      const { file, script } = match.groups ?? {};
      if (file && !existsSync(join(repo, file))) problems.push(`${where}: ${file} does not exist`);
      if (script && !scripts.includes(script)) problems.push(`${where}: package.json has no script '${script}'`);
    }
  }
  return problems;
}

export async function checkWorkflows(repo: string = root): Promise<{ files: string[]; problems: string[] }> {
  const dir = join(repo, '.github/workflows');
  const files = readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => join(dir, file));
  const problems: string[] = [];
  if (files.length === 0) problems.push(`${relative(repo, dir)}: no workflow`);
  for (const file of files) {
    problems.push(...(await checkWorkflow(relative(repo, file), readFileSync(file, 'utf8'), repo)));
  }
  return { files: files.map((file) => relative(repo, file)), problems };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { files, problems } = await checkWorkflows(process.argv[2] ?? root);
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.stdout.write(
    problems.length
      ? `workflows: ${problems.length} problem(s) in ${files.join(', ')}\n`
      : `workflows: ${files.join(', ')} parse, their expressions are valid, every script they call exists\n`,
  );
  process.exit(problems.length ? 1 : 0);
}
