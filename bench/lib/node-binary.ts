import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where installed node binaries are kept: $BATON_NODE_CACHE, by default
 * .cache/node in the repository rather than under $HOME: errors.test.ts runs
 * baton as another user (uid 65534) with the same `process.execPath`, and a
 * binary under a private home such as /root cannot be spawned by that user.
 */
export const NODE_CACHE = process.env['BATON_NODE_CACHE'] ?? join(fileURLToPath(new URL('../../../', import.meta.url)), '.cache', 'node');

/**
 * The path of a `node` binary for `requested` (a major or a version), installed
 * from npm (the `node-<platform>-<arch>` package the `node` package itself
 * installs) into the cache if absent.
 */
export function installNode(requested: string, log: (line: string) => void = console.log): string | { error: string } {
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = join(NODE_CACHE, `${pkg}@${requested}`);
  const bin = join(dir, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  log(`installing ${pkg}@${requested} into ${dir}`);
  const npm = spawnSync('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', `${pkg}@${requested}`], { stdio: 'inherit' });
  if (npm.status !== 0 || !existsSync(bin)) return { error: `npm install ${pkg}@${requested} failed (exit ${npm.status})` };
  return bin;
}
