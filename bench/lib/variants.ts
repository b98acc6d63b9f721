// Temp copies of the example programs for the patch benchmarks, and the
// one-function variants derived from them. Nothing under examples/ is
// written: every tree is built under a temp dir (tempDir, removed at exit).
//
//   kv   v4 (without its baton.update.ts, the v3 -> v4 transformer a program
//        started at v4 never needs), v5 (v4 -> v5 is a 3-module patch:
//        commands.ts, info.ts, server.ts) and v4f (v4 with one function body
//        changed: dispatch() in commands.ts, the hot path of every command)
//   http v1 and v1f (routes.ts: the bodies of handle() and send(), on the path of every request)
//
// Every tree also gets lagprobe.ts and main.ts (main imports the probe, then
// the program's server.ts): the probe measures the event loop of the process
// it runs in exactly as baton's pause meter does (see LAG_PROBE), so the same
// figure can be read from a baton process without an update running and from
// plain node.
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './process.js';

/**
 * `monitorEventLoopDelay({ resolution: 1 })` over a window opened by GET
 * /start and closed by GET /stop on a loopback port of its own (env
 * BATON_BENCH_PROBE_PORT; without it the module does nothing). /stop returns
 * the histogram's max in ms, the same figure apply/pause-meter.ts reports as
 * pauseMs (its timer period included: an idle loop shows about 1.1 ms).
 */
export const LAG_PROBE = `import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 1 });
const port = Number(process.env['BATON_BENCH_PROBE_PORT'] ?? 0);
if (port > 0) {
  const server = createServer((req, res) => {
    if (req.url === '/start') {
      histogram.disable();
      histogram.reset();
      histogram.enable();
      res.end('{}');
    } else {
      histogram.disable();
      const count = histogram.count;
      res.end(JSON.stringify({ maxMs: count > 0 ? histogram.max / 1e6 : 0, p99Ms: count > 0 ? histogram.percentile(99) / 1e6 : 0, count }));
    }
  });
  server.listen(port, '127.0.0.1');
  server.unref();
}
`;

const MAIN = `import './lagprobe.js';
import './server.js';
`;

/** Replaces `from` by `to` in `file`, once; throws if `from` is not there (the example changed). */
function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`variant: expected exactly one "${from}" in ${file}`);
  writeFileSync(file, text.slice(0, at) + to + text.slice(at + from.length));
}

function copy(example: string, to: string): string {
  cpSync(join(ROOT, 'examples', example), to, { recursive: true });
  const spec = join(to, 'baton.update.ts');
  if (existsSync(spec)) rmSync(spec);
  writeFileSync(join(to, 'lagprobe.ts'), LAG_PROBE);
  writeFileSync(join(to, 'main.ts'), MAIN);
  return to;
}

export interface KvTrees {
  v4: string;
  v5: string;
  /** v4 with one function body changed (dispatch in commands.ts). */
  v4f: string;
  /**
   * v4 with a comment added to commands.ts, two different ones: an update
   * between them compiles commands.ts (its text is not the running one's) and
   * finds its code unchanged, so it evaluates and commits nothing.
   */
  v4c: [string, string];
}

/** What `baton update` reports for each kind of kv patch (see control.ts mechanisms()). */
export const KV_ONE_FUNCTION = 'commands.ts:patch';
export const KV_THREE_MODULES = 'commands.ts:patch,info.ts:patch,server.ts:patch';

export function kvTrees(root: string): KvTrees {
  const v4 = copy('kv/v4', join(root, 'v4'));
  const v5 = copy('kv/v5', join(root, 'v5'));
  const v4f = copy('kv/v4', join(root, 'v4f'));
  // The same behaviour, another body: `lastCommandAt` is a number either way.
  edit(join(v4f, 'commands.ts'), 'client.lastCommandAt = Date.now();', 'client.lastCommandAt = Date.now() + 0;');
  const v4c = (n: number) => {
    const dir = copy('kv/v4', join(root, `v4c${n}`));
    appendFileSync(join(dir, 'commands.ts'), `\n// a comment, and nothing else (${n})\n`);
    return dir;
  };
  return { v4, v5, v4f, v4c: [v4c(1), v4c(2)] };
}

export interface HttpTrees {
  v1: string;
  /** v1 with the bodies of handle() and send() in routes.ts changed. */
  v1f: string;
}

export const HTTP_PATCH = 'routes.ts:patch';

export function httpTrees(root: string): HttpTrees {
  const v1 = copy('http/v1', join(root, 'v1'));
  const v1f = copy('http/v1', join(root, 'v1f'));
  edit(join(v1f, 'routes.ts'), "const url = new URL(req.url ?? '/', 'http://localhost');", "const url = new URL(req.url ?? '/', 'http://localhost/');");
  edit(join(v1f, 'routes.ts'), 'const payload = JSON.stringify(body);', "const payload = JSON.stringify(body) + '';");
  return { v1, v1f };
}

/**
 * The same program for plain node: `entry` and everything it imports bundled
 * by esbuild (`--bundle --platform=node --format=esm`), types stripped, into
 * `out`. The `baton` package import (transformer files only) resolves to the source.
 */
export async function bundleForNode(entry: string, out: string): Promise<string> {
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'error', alias: { baton: join(ROOT, 'src/index.ts') } });
  return out;
}
