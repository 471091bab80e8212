// The built CLI run to its end from a test, and the search-space files optimize tests hand it.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = join(process.cwd(), 'build/ringbook.mjs');

/** `ringbook …args` to its exit: the exit code, standard output and standard error. */
export function runCli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A search space (or any JSON) written as `<dir>/<name>.json`; its path. */
export function writeJson(dir: string, name: string, value: unknown): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(p, JSON.stringify(value));
  return p;
}
