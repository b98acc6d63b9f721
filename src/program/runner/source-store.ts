import { existsSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { hashSource } from './compile.js';
import { readSourceText } from './read-source.js';

/**
 * The source texts of the versions a program ran, by content hash, so that a
 * rollback restores exactly the code that ran, whatever happened on disk
 * since (the previous version's directory edited or deleted). Texts enter the
 * store as an update reads them; a version keeps a map from module id to hash.
 */
const texts = new Map<string, string>();

/** Keeps `text` and returns its hash (the one `CompiledModule.sourceHash` holds). */
export function remember(text: string): string {
  const hash = hashSource(text);
  texts.set(hash, text);
  return hash;
}

export function recall(hash: string): string | undefined {
  return texts.get(hash);
}

/** Forgets every text no kept version refers to. */
export function keepOnly(hashes: ReadonlySet<string>): void {
  for (const hash of texts.keys()) if (!hashes.has(hash)) texts.delete(hash);
}

/**
 * While a rollback prepares, the previous version's directory as it ran: reads
 * and existence checks of files under `root` answer from the store, not the
 * disk. One update at a time, so one overlay at a time.
 */
let overlay: { readonly root: string; readonly files: ReadonlyMap<string, string> } | undefined;

export async function withOverlay<T>(root: string, files: ReadonlyMap<string, string>, work: () => Promise<T>): Promise<T> {
  overlay = { root: resolve(root), files };
  try {
    return await work();
  } finally {
    overlay = undefined;
  }
}

/** The overlay's text for `file`: a string, null if the overlay says the file is absent, undefined if it does not cover it. */
function fromOverlay(file: string): string | null | undefined {
  if (!overlay) return undefined;
  const rel = relative(overlay.root, resolve(file));
  if (rel.startsWith('..') || rel === '') return undefined;
  const hash = overlay.files.get(rel.split(sep).join('/'));
  return hash === undefined ? null : (recall(hash) ?? null);
}

/** Reads a module's source for an update (from the overlay during a rollback) and keeps it by hash. */
export async function readText(file: string): Promise<string> {
  const text = fromOverlay(file);
  if (typeof text === 'string') return text;
  // Not valid UTF-8: refused naming the file and line (read-source.ts), never run with U+FFFD.
  const read = await readSourceText(file);
  remember(read);
  return read;
}

/** Like existsSync, answering from the overlay for the files it covers. */
export function exists(file: string): boolean {
  const text = fromOverlay(file);
  return text === undefined ? existsSync(file) : text !== null;
}

/** A regular file, as a module of the version being prepared. */
export function isSourceFile(file: string): boolean {
  const text = fromOverlay(file);
  if (text !== undefined) return text !== null;
  return existsSync(file) && statSync(file).isFile();
}

/** Whether the overlay stands for `dir` (a rollback's version directory, as it ran, even when deleted since). */
export function isOverlaid(dir: string): boolean {
  return overlay !== undefined && resolve(dir) === overlay.root;
}
