// Runs every bundled test file (build/test/**/*.test.mjs) in its own Node process, then prints the one summary
// line CI reads: "N passed, N failed". Exits non-zero if any test or any file failed. Each file gets a temporary
// directory of its own as TMPDIR (os.tmpdir() in it and in what it spawns), removed when it ends: what a test writes
// there is gone afterwards, whether or not it cleaned up after itself.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'build/test');
const only = process.argv.slice(2);

function files(d) {
  return readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith('.test.mjs') ? [p] : [];
  });
}

const FILE_TIMEOUT_MS = 10 * 60_000;
let passed = 0;
let failed = 0;
for (const file of files(dir).sort()) {
  const name = relative(dir, file);
  if (only.length && !only.some((o) => name.includes(o))) continue;
  const tmp = mkdtempSync(join(tmpdir(), 'ringbook-test-'));
  const r = spawnSync(process.execPath, [file], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', TMPDIR: tmp },
    // A file that keeps a handle open after its last test (a failed test that never closed its server) would
    // otherwise hold the whole run forever.
    timeout: FILE_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  process.stdout.write(`\n# ${name}\n${r.stdout}`);
  if (r.error?.code === 'ETIMEDOUT') {
    failed += 1;
    process.stdout.write(`# ${name}: still running after ${FILE_TIMEOUT_MS / 60_000} min, killed (a handle left open?)\n`);
    continue;
  }
  if (r.stderr) process.stderr.write(r.stderr);
  const total = /Total:\s+(\d+)/.exec(r.stdout);
  const ok = /Passed:\s+(\d+)/.exec(r.stdout);
  if (!total || !ok) {
    failed += 1; // the file crashed before uvu could report: count it as one failure
    process.stdout.write(`# ${name}: no uvu summary (exit ${r.status}${r.signal ? `, ${r.signal}` : ''})\n`);
    continue;
  }
  passed += Number(ok[1]);
  failed += Number(total[1]) - Number(ok[1]);
  if (r.status !== 0 && Number(total[1]) === Number(ok[1])) failed += 1;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
