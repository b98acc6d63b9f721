import { readFileSync, rmSync } from 'node:fs';
import { Server, Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { BatonError, toErrorData } from '../../protocol/errors.js';
import { loadUpdateSpec, loadUpdateSpecFile } from '../state/load-spec.js';
import { UPDATE_FILE, type UpdateSpec } from '../state/update-spec.js';
import { earlierRecords, type HandoffStart } from './lineage.js';
import { reverseLinker } from './reverse-linker.js';
import type { Runtime } from '../update/runtime.js';
import { isToChild, type ToChild, type ToParent } from './ipc.js';
import { onReady } from './ready-call.js';
import { restoreState } from './restore.js';

type ListenFn = (this: Server, ...args: unknown[]) => Server;

interface Deferred {
  readonly server: Server;
  readonly args: unknown[];
  readonly port: number;
  readonly host: string | undefined;
}

/** A raw TCP handle as Node's IPC hands it over, with the accept callback Node's `listen` installs. */
interface TcpHandle {
  onconnection?: (status: number, client: unknown) => void;
}

/**
 * The new process's side of a hand-off. Its modules load and initialize as
 * under `baton run`, but a `listen` on a TCP port is deferred: the old
 * process still serves that address. Once the state has arrived and taken
 * the place of what the initializers made, each deferred `listen` adopts the
 * old process's listening handle (the same socket: no moment without an
 * acceptor, no refused connection), and the program serves.
 */
export class HandoffChild {
  private readonly deferred: Deferred[] = [];
  /** Listening handles from the old process, by host:port. */
  private readonly handles = new Map<string, TcpHandle>();
  /** Adopted servers, by the old process's host:port. */
  private readonly adopted = new Map<string, Server>();
  private original: ListenFn | undefined;
  private waiting: { type: ToChild['type']; resolve: (m: ToChild) => void } | undefined;
  private readonly inbox: ToChild[] = [];

  constructor(private readonly start: HandoffStart) {}

  /** Before the program's modules load. */
  intercept(): void {
    const original = Server.prototype.listen as unknown as ListenFn;
    this.original = original;
    const deferred = this.deferred;
    (Server.prototype as unknown as { listen: ListenFn }).listen = function (this: Server, ...args: unknown[]) {
      const where = portOf(args);
      if (where === undefined || where.port === 0) return original.apply(this, args);
      deferred.push({ server: this, args, port: where.port, host: where.host });
      return this;
    };
    process.on('message', (message: unknown, handle: unknown) => this.receive(message, handle));
    // `--ready call`: the program's ready() (from 'baton-dsu', the same module instance as this one's) is passed on.
    onReady(() => send({ type: 'ready' }));
  }

  /** After the modules loaded: waits for the state and the sockets, serves, and takes the control name at commit. */
  async takeOver(runtime: Runtime, startControl: () => Promise<void>): Promise<void> {
    try {
      // The update file loads while the old process still serves: it is not state, and compiling it takes a while.
      const spec = await this.transformers(runtime);
      send({ type: 'loaded' });
      const state = await this.next('state');
      if (state.type !== 'state') throw new Error('unexpected message');
      const readStarted = performance.now();
      const bytes = readState(state.file, state.bytes);
      const readMs = performance.now() - readStarted;
      const restoreStarted = performance.now();
      const restored = restoreState(runtime.graph, bytes, spec);
      const restoreMs = performance.now() - restoreStarted;
      const installStarted = performance.now();
      const warnings = this.adopt();
      const to = runtime.versionInfo(runtime.graph.root);
      // `baton status` goes on showing the program's history, and this hand-off in it.
      const kind = this.start.back ? 'rollback' : 'handoff';
      runtime.history.push(...restored.history, { at: Date.now(), kind, status: 'applied', from: state.from, to: `${to.label} ${to.hash}`, summary: `${this.start.back ? 'hand-off back ' : ''}from pid ${state.parentPid} to pid ${process.pid}` });
      this.rememberLineage(runtime, spec);
      if (spec?.program) warnings.push('the update file\'s `program` hook does not run in a hand-off (it reads the old version\'s live bindings); its bindings were carried by name');
      const installMs = performance.now() - installStarted;
      send({ type: 'serving', restored: { bindings: restored.bindings, instances: restored.instances }, readMs, restoreMs, installMs, hash: to.hash, node: process.version, warnings });
      await this.next('commit');
      await startControl();
      send({ type: 'committed' });
      // From now on the program is on its own: the channel must not keep it alive, nor the old process's death end it.
      // Its listener stays: until the old process has closed its listening socket (after it reads `committed`), it
      // still accepts connections and passes them here, and a connection that arrived with no listener was never served.
      onReady(undefined);
      (process as unknown as { channel?: { unref(): void } }).channel?.unref();
    } catch (error) {
      send({ type: 'failed', error: toErrorData(error) });
      process.exit(1);
    }
  }

  /**
   * The transformers that take the old process's state to this version: the
   * update file at this version's root, or, in a hand-off back, the `reverse`
   * of the file that brought the version left (loaded here, while the old
   * process still serves: functions cannot cross).
   */
  private async transformers(runtime: Runtime): Promise<UpdateSpec | undefined> {
    const back = this.start.back;
    if (!back) return loadUpdateSpec(runtime.graph, runtime.graph.root, runtime.graph);
    if (back.reverseFile === undefined) return undefined;
    const reverse = (await loadUpdateSpecFile(runtime.graph, back.reverseFile, reverseLinker(runtime.graph, back.left)))?.reverse;
    // The old process read it before it started this one; it changed since.
    if (!reverse) throw new BatonError('E_NO_REVERSE', `${back.reverseFile} has no \`reverse: { ... }\` section any more`, 'restore the file, or give one with the reverse transformers: `baton rollback <target> --update-file <file>`');
    return reverse;
  }

  /** Where `baton rollback` in this process goes: the versions that ran in earlier processes, and what brought this one. */
  private rememberLineage(runtime: Runtime, spec: UpdateSpec | undefined): void {
    runtime.previous.push(...earlierRecords(this.start));
    // Forward, the update file at this root brought this version; back, the one the version returned to had (read when needed).
    const specFile = this.start.back ? this.start.back.specFile : spec === undefined ? undefined : join(runtime.graph.root, UPDATE_FILE);
    runtime.current = { ...runtime.current, spec: this.start.back ? undefined : spec, ...(specFile === undefined ? {} : { specFile }) };
  }

  /** Each deferred `listen` adopts the old process's handle for its address, or listens anew. */
  private adopt(): string[] {
    const original = this.original!;
    (Server.prototype as unknown as { listen: ListenFn }).listen = original;
    const warnings: string[] = [];
    for (const d of this.deferred) {
      const key = this.match(d);
      const handle = key === undefined ? undefined : this.handles.get(key);
      if (key === undefined || handle === undefined) {
        original.apply(d.server, d.args);
        continue;
      }
      this.handles.delete(key);
      const callback = d.args.find((a): a is () => void => typeof a === 'function');
      if (callback) original.call(d.server, handle, callback);
      else original.call(d.server, handle);
      this.adopted.set(key, d.server);
    }
    for (const key of this.handles.keys()) warnings.push(`the old version listened on ${key}; the new one does not, so that address is closed`);
    return warnings;
  }

  private match(d: Deferred): string | undefined {
    const keys = [...this.handles.keys()];
    const host = d.host === 'localhost' ? '127.0.0.1' : d.host;
    return keys.find((k) => host !== undefined && k === `${host}:${d.port}`) ?? keys.find((k) => k.endsWith(`:${d.port}`));
  }

  private receive(message: unknown, handle: unknown): void {
    if (!isToChild(message)) return;
    switch (message.type) {
      case 'listen':
        this.handles.set(message.key, handle as TcpHandle);
        return;
      case 'accepted': {
        // A connection the old process accepted after it stopped serving: as if this server had accepted it.
        const server = this.adopted.get(message.key);
        const own = (server as unknown as { _handle?: TcpHandle } | undefined)?._handle;
        if (own?.onconnection) own.onconnection.call(own, 0, handle);
        else (handle as { close?: () => void }).close?.();
        return;
      }
      case 'idle': {
        const server = this.adopted.get(message.server);
        if (server && handle instanceof Socket) server.emit('connection', handle);
        else if (handle instanceof Socket) handle.destroy();
        return;
      }
      default:
        if (this.waiting?.type === message.type) {
          const { resolve } = this.waiting;
          this.waiting = undefined;
          resolve(message);
        } else this.inbox.push(message);
    }
  }

  private next(type: ToChild['type']): Promise<ToChild> {
    const i = this.inbox.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]!);
    return new Promise((resolve) => (this.waiting = { type, resolve }));
  }
}

function send(message: ToParent): void {
  process.send?.(message);
}

/** The serialized state from the file the old process wrote, removed once read (it holds the program's data). */
function readState(file: string, bytes: number): Buffer {
  try {
    const data = readFileSync(file);
    if (data.length !== bytes) throw new BatonError('E_HANDOFF_START', `the state file ${file} holds ${data.length} of ${bytes} bytes`, 'the old process serves on; try the hand-off again');
    return data;
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
}

/** The TCP port and host a `listen(...)` call names, if it names one (a path or a handle is not a port). */
function portOf(args: unknown[]): { port: number; host: string | undefined } | undefined {
  const first = args[0];
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { port: Number(first), host: typeof args[1] === 'string' ? args[1] : undefined };
  }
  if (typeof first === 'object' && first !== null && 'port' in first) {
    const o = first as { port?: unknown; host?: unknown };
    if (o.port === undefined) return undefined;
    return { port: Number(o.port), host: typeof o.host === 'string' ? o.host : undefined };
  }
  return undefined;
}
