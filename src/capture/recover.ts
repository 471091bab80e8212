// Start-up recovery: every journal (`*.parquet.partial`) a killed recorder left under the root becomes its finished
// Parquet file; stale `*.tmp` files (a crash between write and rename) are removed.
import { lstatSync, readdirSync, realpathSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { recoverJournal } from './writer';
import { recoverRawJournal } from './raw';
import { removeIfExists } from './files';
import { NotRegularFile } from './regular-file';

function walk(dir: string, out: string[], seen = new Set<string>(), top = realpathSync(dir)): void {
  // Each real directory is walked once (a symlink back up the tree would loop), and a link to somewhere inside the
  // tree is another view of files listed under their own path: only links leaving the tree are followed.
  const real = realpathSync(dir);
  if (seen.has(real)) return;
  seen.add(real);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(p);
      } catch {
        continue; // a dangling link
      }
      if (target === top || target.startsWith(`${top}/`)) continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // a journal deleted while we looked
      throw err;
    }
    if (st.isDirectory()) walk(p, out, seen, top);
    // FIFOs, sockets and devices are nothing a recorder wrote, and opening one to read could block for good
    else if (st.isFile()) out.push(p);
  }
}

export function recoverTree(root: string): Array<{ path: string; rows: number; tornBytes: number }> {
  if (!existsSync(root)) return [];
  const files: string[] = [];
  walk(root, files);
  for (const f of files) if (f.endsWith('.parquet.tmp')) removeIfExists(f);
  const out = [];
  for (const f of files) {
    const r = f.endsWith('.parquet.partial') ? recoverJournal(f) : f.endsWith('.parquet.rawpartial') ? recoverRawJournal(f) : null;
    if (r) out.push(r);
  }
  return out;
}

/** Every finished Parquet file under `root` (a file or a directory), sorted by path. */
export function listParquet(root: string): string[] {
  if (!existsSync(root)) throw new Error(`no such file or directory: ${root}`);
  const st = statSync(root);
  if (st.isFile()) return [root];
  if (!st.isDirectory()) throw new NotRegularFile(root, st);
  const files: string[] = [];
  walk(root, files);
  // market data only: raw frames (_raw/) have another schema, own orders (_orders/) are another stream
  return files.filter((f) => f.endsWith('.parquet') && !f.includes('/_raw/') && !f.includes('/_orders/')).sort();
}
