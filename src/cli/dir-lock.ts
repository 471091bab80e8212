// One run at a time per output directory: an advisory lock file (<dir>/.ringbook.lock, the holder's pid, command and
// start) taken before anything is read or written there and held for the run. Two recorders in one directory would
// mix their sessions, and the second would "recover" the first one's live journals under it; two searches would
// leave one's trials under the other's report. A lock whose process is gone (kill -9, a crash, a power cut) is taken
// over with a line that says so: a killed run must never leave a directory unusable.
import {
  closeSync,
  existsSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ensureDir } from '../capture/files';
import { duration } from '../format/numbers';
import { dirText } from './args';
import { UsageError } from './usage-error';
import { STOP_SIGNALS } from './stop-signals';

export const LOCK_FILE = '.ringbook.lock';

/** What a lock file holds. */
export interface LockHolder {
  pid: number;
  command: string;
  /** When the holder took the lock, ms since the epoch. */
  sinceMs: number;
}

export interface DirLock {
  /** The lock file's path. */
  path: string;
  /** Removes the lock (and the directories it made, when they hold nothing else); idempotent. */
  release(): void;
}

/** This process's command line as the user typed it, cut to a readable length. */
function commandLine(): string {
  const text = `ringbook ${process.argv.slice(2).join(' ')}`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/**
 * Runs `fn` holding `dir`'s lock (see lockDir), released however it ends.
 */
export async function withDirLock<T>(flag: string, dir: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const lock = lockDir(flag, dir, log);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/** Whether process `pid` exists (EPERM: it does, run by another user). Our own pid in a lock is a previous life's. */
function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): { text: string; holder: LockHolder | null } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return { text, holder: typeof h?.pid === 'number' ? h : null };
  } catch {
    return { text, holder: null };
  }
}

/** The run holding `dir`'s lock now, or null (none, or the one named there is no longer running). */
export function liveHolder(dir: string): LockHolder | null {
  const found = readHolder(join(resolve(dir), LOCK_FILE));
  return found?.holder && alive(found.holder.pid) ? found.holder : null;
}

const since = (ms: number) => `${new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')}, ${duration((Date.now() - ms) * 1e6)} ago`;

/** The refusal: which directory, who holds it since when, and what to do. */
export function heldText(flag: string, dir: string, h: LockHolder, path: string): string {
  return (
    `${flag} ${dirText(dir)} is in use by another run: pid ${h.pid} (${h.command}), since ${since(h.sinceMs)}. ` +
    `Two runs in one directory would mix their files. Wait for it to finish, or give another ${flag}` +
    ` (if pid ${h.pid} is not that run, remove ${path})`
  );
}

// Locks this process holds, removed however it exits: process.exit skips `finally`, a signal nobody else handles
// skips everything.
const held = new Set<DirLock>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const l of [...held]) l.release();
  });
  for (const [sig, code] of Object.entries(STOP_SIGNALS)) {
    // first in line, so a command's own `once` handler is still counted when this runs: with one, the command stops
    // itself and returns through its `finally`; without (before it listens, or a second Ctrl-C) this exits as the
    // signal would have, the lock released by the exit hook
    const onSignal = () => {
      if (process.listenerCount(sig) === 1) process.exit(code);
    };
    process.prependListener(sig as NodeJS.Signals, onSignal);
  }
}

/**
 * Takes `dir`'s lock for `command` (making the directory if it is not there), or refuses with a UsageError naming
 * the holder. `log` gets the line when a dead run's lock is taken over.
 */
export function lockDir(flag: string, dir: string, log: (line: string) => void, command = commandLine()): DirLock {
  const full = resolve(dir);
  // the directories made here, top first: removed again on release when nothing else went into them
  const made: string[] = [];
  for (let at = full; !existsSync(at) && dirname(at) !== at; at = dirname(at)) made.unshift(at);
  ensureDir(full);
  const path = join(full, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, command, sinceMs: Date.now() };
  for (let attempt = 0; ; attempt++) {
    if (create(path, `${JSON.stringify(mine)}\n`)) break;
    const found = readHolder(path);
    if (!found) continue; // released between our try and our read: try again
    const h = found.holder;
    if (h && alive(h.pid)) {
      releaseMade(made);
      throw new UsageError(heldText(flag, dir, h, path));
    }
    if (attempt > 5) throw new Error(`${flag} ${dirText(dir)}: could not take the lock ${path} (taken and released by others meanwhile)`);
    // take the dead run's lock over: moved aside, then removed only if it is still the one judged dead (another
    // run may have taken it over meanwhile; that one is put back)
    const aside = `${path}.${process.pid}.stale`;
    try {
      renameSync(path, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = readHolder(aside);
    if (moved && moved.text !== found.text) {
      try {
        linkSync(aside, path);
      } catch {
        // a third run holds it now: that one wins, and the loop reads it
      }
      unlinkSync(aside);
      continue;
    }
    unlinkSync(aside);
    log(
      h
        ? `${dirText(dir)} was locked by pid ${h.pid} (${h.command}) since ${since(h.sinceMs)}, which is no longer running (killed?): taking it over`
        : `${dirText(dir)} held an unreadable lock file (${path}; a running ringbook never leaves one so): taking it over`,
    );
  }
  let released = false;
  const lock: DirLock = {
    path,
    release() {
      if (released) return;
      released = true;
      held.delete(lock);
      // only our own: after a takeover by someone who judged us dead (never while we run) it is theirs
      const now = readHolder(path);
      if (now?.holder?.pid === process.pid && now.holder.sinceMs === mine.sinceMs) unlinkSync(path);
      releaseMade(made);
    },
  };
  held.add(lock);
  hookExit();
  return lock;
}

/**
 * Creates `path` holding `text` unless it exists: false when it does. The text goes into a file of our own first,
 * linked in place in one step, so a lock is never seen empty or half-written (an unreadable one is no live run's).
 */
function create(path: string, text: string): boolean {
  const own = `${path}.${process.pid}.new`;
  writeFileSync(own, text);
  try {
    linkSync(own, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // a file system without hard links (FAT): O_EXCL, the text written right after
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    unlinkSync(own);
  }
}

function releaseMade(made: string[]): void {
  for (const d of [...made].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty: the run's files are there
    }
  }
}
