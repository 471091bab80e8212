// A user's directory for CLI tests: fixture strategy files copied into a temp dir (where a user keeps them, outside
// the repository), and the built CLI run from there with its output captured.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StrategyDir {
  dir: string;
  run(...args: string[]): SpawnSyncReturns<string>;
  remove(): void;
}

/** A temp dir holding test/fixtures/strategies/<name> for each of `fixtures`. */
export function strategyDir(...fixtures: string[]): StrategyDir {
  const cli = join(process.cwd(), 'build/ringbook.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'ringbook-strategy-'));
  for (const f of fixtures) copyFileSync(join(process.cwd(), 'test/fixtures/strategies', f), join(dir, f));
  return {
    dir,
    run: (...args) => spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
