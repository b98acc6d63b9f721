import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import { baton, ENV, freePort, get, Program, ROOT } from './helpers/baton.js';

/**
 * The compatibility corpus: small projects laid out as real ones are (see
 * test/corpus/README.md). Each runs under tsx and under `baton run`; the
 * output must be the same, then the same again after a body change (v2) and
 * a structural change (v3) applied by `baton update` to the running program,
 * with the program's state kept (checked at once and a second later).
 */
interface Project {
  /** The entry, relative to a version folder. */
  readonly entry: string;
  /** The folder `baton update` is given, relative to a version folder: where the entry is. */
  readonly root: string;
  /** Symlinks to make in each version (a workspace's node_modules): link path to target, both relative to the version. */
  readonly links?: Record<string, string>;
  /** Where tsx is started, relative to a version folder (tsx reads the tsconfig of its working directory). */
  readonly cwd?: string;
  /** How the program is asked: plain HTTP GETs or socket.io events. */
  readonly probe: 'http' | 'socket.io';
}

const CORPUS = join(ROOT, 'test', 'corpus');
// tsx's loader in one process (its CLI runs the program in a child that a kill of the CLI would leave behind).
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const VERSIONS = ['v1', 'v2', 'v3'] as const;

function linkWorkspaces(dir: string, links: Record<string, string>): void {
  for (const [link, target] of Object.entries(links)) {
    const at = join(dir, link);
    mkdirSync(dirname(at), { recursive: true });
    if (existsSync(at) || isLink(at)) rmSync(at, { recursive: true, force: true });
    symlinkSync(join(dir, target), at, 'dir');
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The program's answers: what its code computes (compared with tsx's) and its state (a count kept across updates). */
interface Answers {
  readonly answer: string;
  readonly count: string;
}

async function probe(kind: Project['probe'], port: number, hit: boolean): Promise<Answers> {
  if (kind === 'http') {
    if (hit) await get(port, '/hit');
    return { answer: await get(port, '/answer'), count: await get(port, '/count') };
  }
  const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
  try {
    const ask = (event: string) => socket.timeout(5000).emitWithAck(event) as Promise<string>;
    if (hit) await ask('hit');
    return { answer: await ask('answer'), count: await ask('count') };
  } finally {
    socket.close();
  }
}

/** Runs one version under tsx: its startup output and its answers after one hit. */
async function underTsx(project: Project, dir: string): Promise<{ startup: string; answers: Answers }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', TSX, join(dir, project.entry)], { cwd: join(dir, project.cwd ?? '.'), env: { ...ENV, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const deadline = Date.now() + 30_000;
    while (!/listening/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`tsx did not start ${dir}: ${out} ${err}`);
      await sleep(50);
    }
    if (process.env['CORPUS_DEBUG']) console.error('tsx started', dir);
    const startup = out;
    return { startup, answers: await probe(project.probe, port, true) };
  } finally {
    child.kill('SIGKILL');
  }
}

const projects = readdirSync(CORPUS).filter((name) => existsSync(join(CORPUS, name, 'corpus.json')));

describe('the compatibility corpus runs under baton as under tsx, and takes a body and a structural update', () => {
  for (const name of projects) {
    it(name, { timeout: 180_000 }, async () => {
      const project = JSON.parse(readFileSync(join(CORPUS, name, 'corpus.json'), 'utf8')) as Project;
      const dirs = VERSIONS.map((v) => join(CORPUS, name, v));
      for (const dir of dirs) linkWorkspaces(dir, project.links ?? {});
      const expected = [];
      for (const dir of dirs) expected.push(await underTsx(project, dir));

      const port = await freePort();
      const target = `corpus-${name}-${process.pid}`;
      const program = new Program(['--name', target, join(dirs[0]!, project.entry)], { ...ENV, PORT: String(port) });
      try {
        await program.waitFor(/listening/, 30_000);
        assert.equal(program.output, expected[0]!.startup, 'startup output as under tsx');
        assert.deepEqual(await probe(project.probe, port, true), { ...expected[0]!.answers, count: '1' });
        for (let i = 1; i < dirs.length; i++) {
          // --no-check: the corpus is about loading; `baton check` on these layouts is the type planner's matter.
          const r = await baton(['update', target, join(dirs[i]!, project.root), '--no-check']);
          assert.equal(r.code, 0, `update to ${VERSIONS[i]}: ${r.stdout}${r.stderr}`);
          // The answer is the new version's (as tsx runs it fresh); the count goes on from the old state.
          assert.deepEqual(await probe(project.probe, port, true), { answer: expected[i]!.answers.answer, count: String(i + 1) }, `after ${VERSIONS[i]}`);
          await sleep(1000);
          assert.deepEqual(await probe(project.probe, port, false), { answer: expected[i]!.answers.answer, count: String(i + 1) }, `a second after ${VERSIONS[i]}`);
        }
        assert.equal(program.child.exitCode, null, program.errors);
      } finally {
        await program.stop();
      }
    });
  }
});
