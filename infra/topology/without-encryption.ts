import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';

/**
 * Prints a stack file with the overlay networks' `encrypted` option removed
 * (multihost.sh, where the kernel has no ESP for IPsec: Docker would program
 * the policy and drop every packet between hosts). Docker turns encryption
 * on when the option is present (`--opt encrypted` takes no value), so it is
 * deleted, not set to false. Usage: without-encryption.ts <stack file>
 */
const file = process.argv[2];
if (!file) throw new Error('usage: without-encryption.ts <stack file>');
const document = parseDocument(await readFile(file, 'utf8'));
const networks = document.get('networks') as { items?: { key: unknown }[] } | undefined;
for (const item of networks?.items ?? []) {
  const name = String((item.key as { value?: unknown }).value ?? item.key);
  document.deleteIn(['networks', name, 'driver_opts', 'encrypted']);
}
process.stdout.write(String(document));
