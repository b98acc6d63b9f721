import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { isAbsolute, join, relative, sep } from 'node:path';
import { BatonError } from '../../protocol/errors.js';

/**
 * A module's source text. Bytes that are not UTF-8 are refused, naming the
 * file and line: decoding them anyway would run U+FFFD where the author
 * wrote something else, and compare unequal to every later version.
 */
export async function readSourceText(file: string): Promise<string> {
  const bytes = await readFile(file);
  if (isUtf8(bytes)) return bytes.toString('utf8');
  throw new BatonError('E_ENCODING', `${file} is not valid UTF-8 (line ${firstBadLine(bytes)})`, 'save the file as UTF-8 (baton does not guess encodings), then try again');
}

/** 0x0A never occurs inside a multi-byte UTF-8 sequence, so lines can be checked one by one. */
function firstBadLine(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    if (!isUtf8(bytes.subarray(start, i))) return line;
    line += 1;
    start = i + 1;
  }
  return line;
}

/**
 * Refuses a module file of a version directory that is reached through a
 * symbolic link leading outside it: the update would apply code that is
 * not in the version the user named (and that may change behind it).
 * Links within the directory are fine. Files outside the directory (an
 * import of `../shared`) are not this check's business.
 */
export function assertInsideVersion(file: string, root: string): void {
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return;
  const realRoot = realpathSync(root);
  let path = root;
  for (const part of rel.split(sep)) {
    path = join(path, part);
    let isLink;
    try {
      isLink = lstatSync(path).isSymbolicLink();
    } catch {
      return; // Missing: reading it reports that.
    }
    if (!isLink) continue;
    const target = realpathSync(path);
    if (target !== realRoot && !target.startsWith(realRoot + sep)) {
      throw new BatonError(
        'E_LINK_OUTSIDE',
        `${path} is a symbolic link to ${readlinkSync(path)}, outside the version directory ${root}`,
        'copy what it points to into the version directory: baton applies only code that lives in the version it is given',
      );
    }
  }
}
