// The thread layout rule: multi only when each busy thread gets a core (3, or 4 with the recorder), single otherwise;
// --threads single|multi wins; usable cores are the affinity capped by a cgroup quota.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { choosePlacement, cgroupQuota, hotThreads } from '../../src/feed/placement';

test('auto: single below a core per busy thread, multi at or above; recording needs one more', () => {
  assert.is(hotThreads(false), 3);
  assert.is(hotThreads(true), 4);
  assert.is(choosePlacement('auto', 1, false).layout, 'single');
  assert.is(choosePlacement('auto', 2, false).layout, 'single');
  assert.is(choosePlacement('auto', 3, false).layout, 'multi');
  assert.is(choosePlacement('auto', 3, true).layout, 'single');
  assert.is(choosePlacement('auto', 4, true).layout, 'multi');
  assert.is(choosePlacement('auto', 2.5, false).layout, 'single');
  assert.match(choosePlacement('auto', 2, true).reason, /^2 cores, fewer than the 4 threads the multi layout keeps busy when recording/);
});

test('--threads single|multi overrides the count, and multi on too few cores says what it costs', () => {
  assert.equal(choosePlacement('single', 64, false), { layout: 'single', reason: '--threads single' });
  const m = choosePlacement('multi', 2, false);
  assert.is(m.layout, 'multi');
  assert.is(m.reason, '--threads multi (2 cores for 3 busy threads: every hand-off waits for a core)');
  assert.is(choosePlacement('multi', 8, true).reason, '--threads multi');
});

test('cgroup quota: v2 cpu.max, v1 cfs quota/period, none when unlimited or unreadable', () => {
  const files = (f: Record<string, string>) => (p: string) => f[p] ?? null;
  assert.is(cgroupQuota(files({ '/sys/fs/cgroup/cpu.max': '200000 100000\n' })), 2);
  assert.is(cgroupQuota(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' })), null);
  assert.is(
    cgroupQuota(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '50000\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' })),
    0.5,
  );
  assert.is(
    cgroupQuota(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' })),
    null,
  );
  assert.is(cgroupQuota(files({})), null);
});

test.run();
