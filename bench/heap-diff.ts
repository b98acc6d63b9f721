// Reads V8 heap snapshots (.heapsnapshot, from bench/memory-probe.ts or any writer) without a browser.
//
//   node dist/bench/heap-diff.js top <snap> [n]          largest retained sizes (dominator tree), with paths
//   node dist/bench/heap-diff.js holders <old> <new> <regex> [n]   new objects matching type:name, by the
//                                                        nearest non-internal object holding them
//   node dist/bench/heap-diff.js diff <old> <new> [n]    objects in <new> whose ids <old> lacks: by type and
//                                                        name, and by what holds them (the nearest object of
//                                                        <old> on each one's shortest path from the roots)
import { readFileSync } from 'node:fs';

interface Snapshot {
  readonly count: number;
  readonly type: string[];
  readonly name: string[];
  readonly id: Float64Array;
  readonly self: Float64Array;
  readonly edgesFrom: Uint32Array;
  readonly edgeTo: Uint32Array;
  readonly edgeLabel: string[];
  readonly edgeWeak: Uint8Array;
}

function load(file: string): Snapshot {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const { meta } = raw.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [fType, fName, fId, fSelf, fEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((k) => meta.node_fields.indexOf(k)) as [number, number, number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((k) => meta.edge_fields.indexOf(k)) as [number, number, number];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const count = raw.nodes.length / nf;
  const type: string[] = new Array(count);
  const name: string[] = new Array(count);
  const id = new Float64Array(count);
  const self = new Float64Array(count);
  const edgesFrom = new Uint32Array(count + 1);
  const edgeCount = raw.edges.length / ef;
  const edgeTo = new Uint32Array(edgeCount);
  const edgeLabel: string[] = new Array(edgeCount);
  const edgeWeak = new Uint8Array(edgeCount);
  let e = 0;
  for (let i = 0; i < count; i++) {
    const b = i * nf;
    type[i] = nodeTypes[raw.nodes[b + fType]!]!;
    name[i] = raw.strings[raw.nodes[b + fName]!]!;
    id[i] = raw.nodes[b + fId]!;
    self[i] = raw.nodes[b + fSelf]!;
    edgesFrom[i] = e;
    e += raw.nodes[b + fEdges]!;
  }
  edgesFrom[count] = e;
  for (let j = 0; j < edgeCount; j++) {
    const b = j * ef;
    const t = edgeTypes[raw.edges[b + eType]!]!;
    const n = raw.edges[b + eName]!;
    edgeTo[j] = raw.edges[b + eTo]! / nf;
    edgeLabel[j] = t === 'element' || t === 'hidden' ? `[${n}]` : t === 'weak' ? `weak:${raw.strings[n] ?? n}` : raw.strings[n]!;
    edgeWeak[j] = t === 'weak' || t === 'shortcut' ? 1 : 0;
  }
  return { count, type, name, id, self, edgesFrom, edgeTo, edgeLabel, edgeWeak };
}

/** Shortest-path parents from the root (node 0) over strong edges. */
function bfs(s: Snapshot): { parent: Int32Array; via: Int32Array } {
  const parent = new Int32Array(s.count).fill(-1);
  const via = new Int32Array(s.count).fill(-1);
  const queue = new Uint32Array(s.count);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  parent[0] = 0;
  while (head < tail) {
    const n = queue[head++]!;
    for (let e = s.edgesFrom[n]!; e < s.edgesFrom[n + 1]!; e++) {
      if (s.edgeWeak[e]) continue;
      const t = s.edgeTo[e]!;
      if (parent[t] !== -1) continue;
      parent[t] = n;
      via[t] = e;
      queue[tail++] = t;
    }
  }
  return { parent, via };
}

function label(s: Snapshot, n: number): string {
  const name = s.name[n]!.length > 60 ? `${s.name[n]!.slice(0, 57).replace(/\s+/g, ' ')}...` : s.name[n]!.replace(/\s+/g, ' ');
  return `${s.type[n]}:${name}`;
}

function path(s: Snapshot, p: { parent: Int32Array; via: Int32Array }, n: number, depth = 14): string {
  const parts: string[] = [];
  for (let x = n; x !== 0 && parts.length < depth; x = p.parent[x]!) {
    if (p.parent[x] === -1) return `(unreachable) ${parts.reverse().join(' ')}`;
    parts.push(`-${s.edgeLabel[p.via[x]!]}-> ${label(s, x)}`);
  }
  return parts.reverse().join(' ');
}

/** Immediate dominators (Cooper, Harvey, Kennedy) over strong edges, then retained sizes. */
function retained(s: Snapshot): Float64Array {
  const order: number[] = [];
  const post = new Int32Array(s.count).fill(-1);
  const seen = new Uint8Array(s.count);
  const stack: Array<[number, number]> = [[0, s.edgesFrom[0]!]];
  seen[0] = 1;
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [n, e] = top;
    if (e < s.edgesFrom[n + 1]!) {
      top[1]++;
      if (s.edgeWeak[e]) continue;
      const t = s.edgeTo[e]!;
      if (!seen[t]) {
        seen[t] = 1;
        stack.push([t, s.edgesFrom[t]!]);
      }
    } else {
      stack.pop();
      post[n] = order.length;
      order.push(n);
    }
  }
  const preds: number[][] = Array.from({ length: s.count }, () => []);
  for (let n = 0; n < s.count; n++) {
    if (!seen[n]) continue;
    for (let e = s.edgesFrom[n]!; e < s.edgesFrom[n + 1]!; e++) if (!s.edgeWeak[e]) preds[s.edgeTo[e]!]!.push(n);
  }
  const idom = new Int32Array(s.count).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (post[a]! < post[b]!) a = idom[a]!;
      while (post[b]! < post[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = order.length - 2; i >= 0; i--) {
      const n = order[i]!;
      let d = -1;
      for (const q of preds[n]!) if (idom[q] !== -1) d = d === -1 ? q : intersect(q, d);
      if (d !== idom[n]) {
        idom[n] = d;
        changed = true;
      }
    }
  }
  const size = new Float64Array(s.count);
  for (const n of order) size[n] = s.self[n]!;
  for (const n of order) if (n !== 0 && idom[n]! >= 0) size[idom[n]!] = size[idom[n]!]! + size[n]!;
  return size;
}

function top(file: string, limit: number): void {
  const s = load(file);
  const p = bfs(s);
  const size = retained(s);
  let total = 0;
  for (let n = 0; n < s.count; n++) total += s.self[n]!;
  console.log(`${file}: ${s.count} nodes, ${(total / 1e6).toFixed(2)} MB self`);
  const idx = [...Array(s.count).keys()].filter((n) => s.type[n] !== 'synthetic').sort((a, b) => size[b]! - size[a]!);
  for (const n of idx.slice(0, limit)) console.log(`${(size[n]! / 1024).toFixed(1).padStart(9)} KB  ${label(s, n)}\n             ${path(s, p, n)}`);
}

function diff(oldFile: string, newFile: string, limit: number): void {
  const a = load(oldFile);
  const b = load(newFile);
  const old = new Set<number>(a.id);
  const p = bfs(b);
  const isNew = (n: number) => !old.has(b.id[n]!);
  const byType = new Map<string, { n: number; bytes: number }>();
  const byHolder = new Map<string, { n: number; bytes: number; example: number }>();
  let total = 0;
  let count = 0;
  for (let n = 0; n < b.count; n++) {
    if (!isNew(n)) continue;
    total += b.self[n]!;
    count++;
    const t = `${b.type[n]}:${b.type[n] === 'string' || b.type[n] === 'concatenated string' || b.type[n] === 'sliced string' ? '' : b.name[n]}`;
    const bt = byType.get(t) ?? { n: 0, bytes: 0 };
    bt.n++;
    bt.bytes += b.self[n]!;
    byType.set(t, bt);
    // The nearest object already in the old snapshot on the shortest path: what holds the new one.
    let x = n;
    let edge = -1;
    while (x !== 0 && p.parent[x] !== -1 && isNew(x)) {
      edge = p.via[x]!;
      x = p.parent[x]!;
    }
    const holder = p.parent[x] === -1 ? '(unreachable)' : `${label(b, x)} -${edge >= 0 ? b.edgeLabel[edge] : '?'}->`;
    const bh = byHolder.get(holder) ?? { n: 0, bytes: 0, example: x };
    bh.n++;
    bh.bytes += b.self[n]!;
    byHolder.set(holder, bh);
  }
  let oldTotal = 0;
  for (let n = 0; n < a.count; n++) oldTotal += a.self[n]!;
  let newTotal = 0;
  for (let n = 0; n < b.count; n++) newTotal += b.self[n]!;
  console.log(`old ${(oldTotal / 1e6).toFixed(3)} MB (${a.count} nodes), new ${(newTotal / 1e6).toFixed(3)} MB (${b.count} nodes); objects new in the second: ${count}, ${(total / 1024).toFixed(1)} KB`);
  // Net change by type:name (objects that died count too): what grew, as opposed to what was replaced.
  const tally = (x: Snapshot) => {
    const m = new Map<string, { n: number; bytes: number }>();
    for (let n = 0; n < x.count; n++) {
      const t = `${x.type[n]}:${/string/.test(x.type[n]!) ? '' : x.name[n]!.slice(0, 50)}`;
      const v = m.get(t) ?? { n: 0, bytes: 0 };
      v.n++;
      v.bytes += x.self[n]!;
      m.set(t, v);
    }
    return m;
  };
  const ta = tally(a);
  const tb = tally(b);
  const net = [...new Set([...ta.keys(), ...tb.keys()])].map((k) => ({ k, n: (tb.get(k)?.n ?? 0) - (ta.get(k)?.n ?? 0), bytes: (tb.get(k)?.bytes ?? 0) - (ta.get(k)?.bytes ?? 0) }));
  // V8's compiled code and what only it uses (bytecode, feedback, deoptimization data, dependent-code lists).
  const isCode = (k: string) => k.startsWith('code:') || k === 'hidden:system / WeakArrayList' || k === 'hidden:system / WeakFixedArray';
  const sum = (f: (k: string) => boolean) => net.filter((v) => f(v.k)).reduce((t, v) => t + v.bytes, 0);
  console.log(`\nnet: ${(sum(() => true) / 1024).toFixed(1)} KB, of which V8 code, bytecode, feedback and their metadata (type code, weak lists) ${(sum(isCode) / 1024).toFixed(1)} KB, everything else ${(sum((k) => !isCode(k)) / 1024).toFixed(1)} KB`);
  console.log('net change by type:name (second minus first), everything else:');
  for (const v of net.filter((v) => !isCode(v.k)).sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes)).slice(0, 15)) console.log(`${((v.bytes >= 0 ? '+' : '') + (v.bytes / 1024).toFixed(1)).padStart(9)} KB ${((v.n >= 0 ? '+' : '') + v.n).padStart(7)}  ${v.k}`);
  console.log('\nnet change by type:name (second minus first)');
  for (const v of net.sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes)).slice(0, limit)) console.log(`${((v.bytes >= 0 ? '+' : '') + (v.bytes / 1024).toFixed(1)).padStart(9)} KB ${((v.n >= 0 ? '+' : '') + v.n).padStart(7)}  ${v.k}`);
  console.log('\nnew objects by type:name');
  for (const [k, v] of [...byType].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, limit)) console.log(`${(v.bytes / 1024).toFixed(1).padStart(9)} KB ${String(v.n).padStart(7)}  ${k}`);
  console.log('\nby holder (nearest old object on the shortest path from the roots, and the edge to the new one)');
  for (const [k, v] of [...byHolder].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, limit)) {
    console.log(`${(v.bytes / 1024).toFixed(1).padStart(9)} KB ${String(v.n).padStart(7)}  ${k}`);
    console.log(`             ${path(b, p, v.example, 10)}`);
  }
}

/** New objects whose type:name matches `pattern`, by the nearest object on their shortest path that is program-visible (not code, hidden or an internal array). */
function holders(oldFile: string, newFile: string, pattern: string, limit: number): void {
  const a = load(oldFile);
  const b = load(newFile);
  const old = new Set<number>(a.id);
  const p = bfs(b);
  const re = new RegExp(pattern);
  const internal = (n: number) => ['code', 'hidden', 'array', 'object shape'].includes(b.type[n]!);
  const tally = new Map<string, { n: number; bytes: number; example: number }>();
  for (let n = 0; n < b.count; n++) {
    if (old.has(b.id[n]!) || !re.test(`${b.type[n]}:${b.name[n]}`)) continue;
    let x = n;
    const chain: string[] = [];
    while (x !== 0 && p.parent[x] !== -1 && internal(x)) {
      chain.push(`${b.edgeLabel[p.via[x]!]}`);
      x = p.parent[x]!;
    }
    const key = `${label(b, x)} ${chain.reverse().join('.')}`;
    const v = tally.get(key) ?? { n: 0, bytes: 0, example: x };
    v.n++;
    v.bytes += b.self[n]!;
    tally.set(key, v);
  }
  for (const [k, v] of [...tally].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, limit)) {
    console.log(`${(v.bytes / 1024).toFixed(1).padStart(9)} KB ${String(v.n).padStart(6)}  ${k}`);
    console.log(`             ${path(b, p, v.example, 8)}`);
  }
}

const [mode, x, y, z, w] = process.argv.slice(2);
if (mode === 'top') top(x!, Number(y ?? 40));
else if (mode === 'diff') diff(x!, y!, Number(z ?? 40));
else if (mode === 'holders') holders(x!, y!, z!, Number(w ?? 30));
else console.error('usage: heap-diff top <snap> [n] | diff <old> <new> [n]');
