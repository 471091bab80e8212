import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHECKS,
  runChecks,
  unwrap,
  formatBytes,
  parseChronyTracking,
  checkClockSync,
  checkClocksource,
  checkSocketBuffers,
  checkTcpFastOpen,
  checkTcpStack,
  checkCpuCount,
  checkThreads,
  checkCpuGovernor,
  checkHypervisor,
  checkNodeVersion,
  checkNodeThreads,
  checkOpenFiles,
  checkTransparentHugepages,
  checkContainer,
  type HostProbe,
  type Read,
  type ThreadSupport,
} from '../src/doctor/checks';
import { runDoctor, wrapAdvice } from '../src/cli/doctor';

// A fake host: files by path (directories are implied by the paths), command output by "cmd arg arg" (a string is
// stdout with exit 0; { reason } is a failure), and fixed CPU / Node / thread answers.
interface FakeHost {
  files?: Record<string, string>;
  commands?: Record<string, string | { reason: string }>;
  cpus?: { usable: number; online: number };
  node?: string;
  threads?: Partial<ThreadSupport>;
}

const works: Read = { ok: true, value: 'works' };

function fake(h: FakeHost = {}): HostProbe {
  const files = h.files ?? {};
  const isDir = (path: string) => Object.keys(files).some((f) => f.startsWith(`${path}/`));
  return {
    platform: 'linux',
    nodeVersion: h.node ?? '20.20.2',
    readFile: (path) => (path in files ? { ok: true, value: files[path] } : { ok: false, reason: `${path} does not exist` }),
    listDir: (path) => {
      if (!isDir(path)) return { ok: false, reason: `${path} does not exist` };
      const names = Object.keys(files)
        .filter((f) => f.startsWith(`${path}/`))
        .map((f) => f.slice(path.length + 1).split('/')[0]);
      return { ok: true, value: [...new Set(names)] };
    },
    exists: (path) => path in files || isDir(path),
    run: (cmd, args) => {
      const out = h.commands?.[[cmd, ...args].join(' ')];
      if (out === undefined) return { ok: false, reason: `${cmd} is not installed` };
      return typeof out === 'string' ? { ok: true, value: out } : { ok: false, reason: out.reason };
    },
    cpuCount: () => h.cpus ?? { usable: 8, online: 8 },
    threads: () => ({ sharedArrayBuffer: works, atomicsWait: works, wasmThreads: works, ...h.threads }),
  };
}

/** Runs fn with console.log captured; returns what it returned and the printed text. */
async function capture<T>(fn: () => Promise<T>): Promise<{ result: T; out: string }> {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => {
    lines.push(a.join(' '));
  };
  try {
    return { result: await fn(), out: lines.join('\n') };
  } finally {
    console.log = orig;
  }
}

const TIMEDATECTL = 'timedatectl show -p NTPSynchronized --value';
const CHRONY_OK = `Reference ID    : A29FC87B (time.cloudflare.com)
Stratum         : 4
System time     : 0.000012345 seconds slow of NTP time
Leap status     : Normal
`;

// --- clock sync ---------------------------------------------------------------------------------------------------

test('clock-sync: timedatectl yes is OK, no is WARN with the chrony advice', () => {
  assert.is(checkClockSync(fake({ commands: { [TIMEDATECTL]: 'yes\n' } })).status, 'OK');
  const r = checkClockSync(fake({ commands: { [TIMEDATECTL]: 'no\n' } }));
  assert.is(r.status, 'WARN');
  assert.match(r.advice!, /chrony/);
  assert.match(r.advice!, /local_ts - exch_ts/);
});

test('clock-sync: falls back to chronyc tracking, reading leap status and offset', () => {
  const none = { [TIMEDATECTL]: { reason: 'timedatectl exited 1: System has not been booted with systemd' } };
  const good = checkClockSync(fake({ commands: { ...none, 'chronyc tracking': CHRONY_OK } }));
  assert.is(good.status, 'OK');
  assert.match(good.value, /chrony, 12 µs behind NTP time/);
  const unsynced = checkClockSync(
    fake({ commands: { ...none, 'chronyc tracking': 'Reference ID    : 00000000 ()\nLeap status     : Not synchronised\n' } }),
  );
  assert.is(unsynced.status, 'WARN');
  const far = checkClockSync(
    fake({ commands: { ...none, 'chronyc tracking': CHRONY_OK.replace('0.000012345 seconds slow', '0.250000 seconds fast') } }),
  );
  assert.is(far.status, 'WARN');
  assert.match(far.value, /250\.0 ms ahead of NTP time/);
  assert.match(far.advice!, /chronyc makestep/);
});

test('parseChronyTracking reads sign and reference', () => {
  const t = parseChronyTracking(CHRONY_OK.replace('slow', 'fast'));
  assert.equal(t, { synced: true, offsetS: 0.000012345, ref: 'A29FC87B (time.cloudflare.com)' });
});

test('clock-sync: systemd-timesyncd flag file, then adjtimex status, then SKIP naming every source', () => {
  assert.is(checkClockSync(fake({ files: { '/run/systemd/timesync/synchronized': '' } })).status, 'OK');
  assert.is(checkClockSync(fake({ files: { '/run/systemd/timesync/clock': '' } })).status, 'WARN');
  assert.is(checkClockSync(fake({ commands: { 'adjtimex --print': '  mode: 0\n  status: 8192\n' } })).status, 'OK');
  const unsync = checkClockSync(fake({ commands: { 'adjtimex --print': '  status: 64\n' } }));
  assert.is(unsync.status, 'WARN');
  assert.match(unsync.value, /STA_UNSYNC/);
  const r = checkClockSync(fake());
  assert.is(r.status, 'SKIP');
  assert.match(r.value, /^can't tell: /);
  assert.match(r.value, /timedatectl is not installed; chronyc is not installed; no \/run\/systemd\/timesync; adjtimex is not installed/);
  assert.match(r.advice!, /chrony/, 'a SKIP still says how to get a synchronised clock');
});

test('clock-sync: in a container with no sync source, the advice points at the host, not at a daemon in here', () => {
  const r = checkClockSync(fake({ files: { '/.dockerenv': '' } }));
  assert.is(r.status, 'SKIP');
  assert.match(r.value, /^can't tell: no time-sync source answered inside this container \(timedatectl is not installed; /);
  assert.match(r.advice!, /^This is a container \(\/\.dockerenv\): its clock is the host's kernel clock/);
  assert.match(r.advice!, /\n  timedatectl show -p NTPSynchronized --value +# want yes\n/);
  const bare = checkClockSync(fake({ files: { '/proc/self/cgroup': '0::/user.slice\n' } }));
  assert.match(bare.advice!, /^Run a time daemon/, 'outside a container: the daemon advice as before');
});

// --- clocksource --------------------------------------------------------------------------------------------------

test('clocksource: tsc OK, hpet WARN with the switch command, missing SKIP', () => {
  const base = '/sys/devices/system/clocksource/clocksource0';
  assert.is(checkClocksource(fake({ files: { [`${base}/current_clocksource`]: 'tsc\n' } })).status, 'OK');
  const r = checkClocksource(
    fake({ files: { [`${base}/current_clocksource`]: 'hpet\n', [`${base}/available_clocksource`]: 'tsc hpet acpi_pm\n' } }),
  );
  assert.is(r.status, 'WARN');
  assert.match(r.advice!, /echo tsc \| sudo tee \/sys\/devices\/system\/clocksource\/clocksource0\/current_clocksource/);
  const s = checkClocksource(fake());
  assert.is(s.status, 'SKIP');
  assert.match(s.value, /current_clocksource does not exist/);
});

// --- socket buffers -----------------------------------------------------------------------------------------------

const buffers = (rmax: number, wmax: number, tcpR: string, tcpW: string) => ({
  '/proc/sys/net/core/rmem_max': `${rmax}\n`,
  '/proc/sys/net/core/wmem_max': `${wmax}\n`,
  '/proc/sys/net/core/rmem_default': '212992\n',
  '/proc/sys/net/core/wmem_default': '212992\n',
  '/proc/sys/net/ipv4/tcp_rmem': `${tcpR}\n`,
  '/proc/sys/net/ipv4/tcp_wmem': `${tcpW}\n`,
});

test('socket-buffers: 4 MiB ceilings and above are OK', () => {
  const r = checkSocketBuffers(fake({ files: buffers(4194304, 16777216, '4096\t131072\t33554432', '4096 16384 4194304') }));
  assert.is(r.status, 'OK');
  assert.is(r.value, 'rmem_max 4 MiB, wmem_max 16 MiB, tcp_rmem max 32 MiB, tcp_wmem max 4 MiB, defaults 208 KiB/208 KiB');
});

test('socket-buffers: small ceilings WARN with exact sysctl lines and the sysctl.d file', () => {
  const r = checkSocketBuffers(fake({ files: buffers(212992, 4194304, '4096\t87380\t6291456', '4096 16384 1048576') }));
  assert.is(r.status, 'WARN');
  assert.match(r.advice!, /^ {2}sudo sysctl -w net\.core\.rmem_max=16777216$/m);
  assert.not.match(r.advice!, /wmem_max=/, 'only the ceilings that are too small are raised');
  assert.match(r.advice!, /^ {2}sudo sysctl -w net\.ipv4\.tcp_wmem="4096 16384 16777216"$/m, 'keeps the min and initial size');
  assert.match(r.advice!, /net\.core\.rmem_max = 16777216' \| sudo tee -a \/etc\/sysctl\.d\/90-ringbook\.conf/);
  assert.match(r.advice!, /sysctl --system/);
});

test('socket-buffers: nothing readable is a SKIP with the reason', () => {
  const r = checkSocketBuffers(fake());
  assert.is(r.status, 'SKIP');
  assert.match(r.value, /\/proc\/sys\/net\/core\/rmem_max does not exist/);
});

// --- TCP ----------------------------------------------------------------------------------------------------------

test('tcp-fastopen: 3 OK without advice, 1 OK with the explanation, 0 WARN, missing SKIP', () => {
  const at = (v: string) => checkTcpFastOpen(fake({ files: { '/proc/sys/net/ipv4/tcp_fastopen': v } }));
  assert.equal([at('3').status, at('3').advice], ['OK', null]);
  assert.is(at('1').status, 'OK');
  assert.match(at('1').advice!, /Bitget's servers decide/);
  const off = at('0\n');
  assert.is(off.status, 'WARN');
  assert.is(off.value, '0 (off)');
  assert.match(off.advice!, /sysctl -w net\.ipv4\.tcp_fastopen=3/);
  assert.is(checkTcpFastOpen(fake()).status, 'SKIP');
});

test('tcp-stack: info only; SKIP when neither file exists', () => {
  const r = checkTcpStack(fake({ files: { '/proc/sys/net/ipv4/tcp_congestion_control': 'bbr\n' } }));
  assert.is(r.status, 'OK');
  assert.match(r.value, /congestion control bbr, tcp_low_latency not present/);
  assert.is(checkTcpStack(fake()).status, 'SKIP');
});

// --- CPU ----------------------------------------------------------------------------------------------------------

test('cpu-count: 3+ cores OK; fewer WARN with the consequence; a cgroup quota counts', () => {
  assert.is(checkCpuCount(fake({ cpus: { usable: 4, online: 4 } })).status, 'OK');
  const two = checkCpuCount(fake({ cpus: { usable: 2, online: 2 } }));
  assert.is(two.status, 'WARN');
  assert.match(two.advice!, /feed worker, an engine worker and the main thread/);
  assert.match(two.advice!, /sleeps/);
  const quota = checkCpuCount(fake({ cpus: { usable: 8, online: 8 }, files: { '/sys/fs/cgroup/cpu.max': '150000 100000\n' } }));
  assert.is(quota.status, 'WARN');
  assert.match(quota.value, /cgroup quota 1\.5 cores/);
  assert.match(quota.advice!, /--cpus/);
  assert.is(checkCpuCount(fake({ cpus: { usable: 8, online: 8 }, files: { '/sys/fs/cgroup/cpu.max': 'max 100000\n' } })).status, 'OK');
  assert.is(checkCpuCount(fake({ cpus: { usable: 0, online: 0 } })).status, 'SKIP');
  assert.match(two.advice!, /at least 3 cores \(4 to record too\)/);
});

test('cpu-count: 3 cores are OK for live, with a word that demo and record need 4 for the multi layout', () => {
  const three = checkCpuCount(fake({ cpus: { usable: 3, online: 3 } }));
  assert.is(three.status, 'OK');
  assert.match(three.advice!, /`demo` and `record` \(and `live --record`\) add a recorder worker, so they need 4 cores/);
  assert.is(checkCpuCount(fake({ cpus: { usable: 4, online: 4 } })).advice, null);
});

test('threads: the layout live and demo pick here, and why (a cgroup quota counts)', () => {
  const two = checkThreads(fake({ cpus: { usable: 2, online: 2 } }));
  assert.is(two.status, 'OK');
  assert.match(
    two.value,
    /^single: 2 cores, fewer than the 3 threads the multi layout keeps busy: .*no hand-offs \(--threads to override\)$/,
  );
  const three = checkThreads(fake({ cpus: { usable: 3, online: 3 } }));
  assert.match(
    three.value,
    /^multi \(3 cores: feed, engine and strategy each on a core of their own, consumers spinning\); single when recording \(3 cores, fewer than the 4 threads/,
  );
  assert.match(checkThreads(fake({ cpus: { usable: 8, online: 8 } })).value, /^multi: 8 cores: /);
  const quota = checkThreads(fake({ cpus: { usable: 8, online: 8 }, files: { '/sys/fs/cgroup/cpu.max': '150000 100000\n' } }));
  assert.match(quota.value, /^single: 1\.5 cores/);
  assert.is(checkThreads(fake({ cpus: { usable: 0, online: 0 } })).status, 'SKIP');
});

test('cpu-governor: all performance OK, powersave WARN with cpupower, no cpufreq SKIP', () => {
  const gov = (g0: string, g1: string) => ({
    '/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor': `${g0}\n`,
    '/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor': `${g1}\n`,
    '/sys/devices/system/cpu/online': '0-1\n',
  });
  const okr = checkCpuGovernor(fake({ files: gov('performance', 'performance') }));
  assert.equal([okr.status, okr.value], ['OK', 'performance x2']);
  const w = checkCpuGovernor(fake({ files: gov('powersave', 'performance') }));
  assert.is(w.status, 'WARN');
  assert.is(w.value, 'powersave x1, performance x1');
  assert.match(w.advice!, /cpupower frequency-set -g performance/);
  const vm = checkCpuGovernor(fake({ files: { '/sys/devices/system/cpu/cpu0/topology/core_id': '0' } }));
  assert.is(vm.status, 'SKIP');
  assert.match(vm.value, /no \/sys\/devices\/system\/cpu\/cpu\*\/cpufreq/);
});

test('hypervisor: flag read as info; missing cpuinfo SKIP', () => {
  const vm = checkHypervisor(fake({ files: { '/proc/cpuinfo': 'model name\t: Xeon\nflags\t\t: fpu sse2 hypervisor avx2\n' } }));
  assert.equal([vm.status, vm.value], ['OK', 'virtual machine (Xeon)']);
  assert.match(vm.advice!, /steal/);
  assert.is(checkHypervisor(fake({ files: { '/proc/cpuinfo': 'flags\t\t: fpu sse2 avx2\n' } })).value, 'bare metal');
  assert.is(checkHypervisor(fake()).status, 'SKIP');
});

// --- Node ---------------------------------------------------------------------------------------------------------

test('node-version: 20+ OK, 18 FAIL with how to upgrade, garbage SKIP', () => {
  assert.is(checkNodeVersion(fake({ node: '22.1.0' })).status, 'OK');
  const old = checkNodeVersion(fake({ node: '18.19.0' }));
  assert.equal([old.status, old.value], ['FAIL', 'v18.19.0']);
  assert.match(old.advice!, /Node 20 or newer/);
  assert.is(checkNodeVersion(fake({ node: 'banana' })).status, 'SKIP');
});

test('node-threads: all primitives OK; a missing one FAILs and names it', () => {
  assert.is(checkNodeThreads(fake()).status, 'OK');
  const r = checkNodeThreads(fake({ threads: { wasmThreads: { ok: false, reason: 'WebAssembly is not defined' } } }));
  assert.is(r.status, 'FAIL');
  assert.is(r.value, 'wasm threads: WebAssembly is not defined');
  assert.match(r.advice!, /--jitless/);
});

// --- limits, memory, container ------------------------------------------------------------------------------------

test('open-files: 256 WARN with ulimit advice, 65536 OK, missing SKIP', () => {
  const limits = (soft: string) => ({
    '/proc/self/limits': `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}                 1048576              files\n`,
  });
  const low = checkOpenFiles(fake({ files: limits('256') }));
  assert.is(low.status, 'WARN');
  assert.is(low.value, 'soft 256, hard 1048576');
  assert.match(low.advice!, /ulimit -n 65536/);
  assert.is(checkOpenFiles(fake({ files: limits('65536') })).status, 'OK');
  assert.is(checkOpenFiles(fake()).status, 'SKIP');
});

test('thp: reads the bracketed mode; always carries advice; missing SKIP', () => {
  const thp = (v: string) => checkTransparentHugepages(fake({ files: { '/sys/kernel/mm/transparent_hugepage/enabled': v } }));
  assert.equal([thp('always [madvise] never\n').value, thp('always [madvise] never\n').advice], ['madvise', null]);
  assert.match(thp('[always] madvise never\n').advice!, /echo madvise/);
  assert.is(checkTransparentHugepages(fake()).status, 'SKIP');
});

test('container: none OK; bridged (veth) WARN with --network host; a real NIC OK', () => {
  assert.equal(checkContainer(fake({ files: { '/proc/self/cgroup': '0::/user.slice\n' } })).value, 'not in a container');
  const net = (ifindex: string, iflink: string) => ({
    '/.dockerenv': '',
    '/proc/net/route': 'Iface\tDestination\tGateway\n eth0\t00000000\t010011AC\n eth0\t000011AC\t00000000\n',
    '/sys/class/net/eth0/ifindex': ifindex,
    '/sys/class/net/eth0/iflink': iflink,
  });
  const bridged = checkContainer(fake({ files: net('7\n', '8\n') }));
  assert.is(bridged.status, 'WARN');
  assert.match(bridged.advice!, /docker run --network host/);
  assert.is(checkContainer(fake({ files: net('2\n', '2\n') })).status, 'OK');
  assert.match(checkContainer(fake({ files: { '/.dockerenv': '' } })).value, /network mode unknown/);
});

// --- the whole run ------------------------------------------------------------------------------------------------

test('runChecks: one result per check, in order, ids as declared; a throwing probe becomes SKIP', () => {
  const results = runChecks(fake());
  assert.equal(
    results.map((r) => r.id),
    CHECKS.map((c) => c.id),
  );
  const broken: HostProbe = {
    ...fake(),
    readFile: () => {
      throw new Error('boom');
    },
  };
  const r = runChecks(broken).find((x) => x.id === 'socket-buffers')!;
  assert.is(r.status, 'SKIP');
  assert.match(r.value, /the check itself failed \(boom\)/);
});

test('runDoctor with a failing fake host: exit 1, the table and an advice block per WARN/FAIL', async () => {
  const { result, out } = await capture(() => runDoctor([], fake({ node: '18.0.0', cpus: { usable: 2, online: 2 } })));
  assert.is(result, 1);
  assert.match(out, /^ {2}FAIL {2}node-version +v18\.0\.0$/m);
  assert.match(out, /^FAIL node-version$/m);
  assert.match(out, /^WARN cpu-count$/m);
  assert.match(out, /1 FAIL, 1 WARN, \d+ SKIP, \d+ OK/);
  const { result: help, out: text } = await capture(() => runDoctor(['--help'], fake()));
  assert.is(help, 0);
  assert.match(text, /--json/);
  try {
    await runDoctor(['--verbose'], fake());
    assert.unreachable('an unknown option must throw');
  } catch (e) {
    assert.match((e as Error).message, /^unknown option --verbose \(see ringbook doctor --help\)$/);
  }
});

test('advice: hard wraps are undone, commands kept; the renderer wraps prose to 100 columns', () => {
  assert.is(unwrap('one\ntwo:\n  cmd a\n  cmd b\nthree\nfour'), 'one two:\n  cmd a\n  cmd b\nthree four');
  const wrapped = wrapAdvice(`${'word '.repeat(60).trim()}\n  ${'x'.repeat(120)}`);
  const lines = wrapped.split('\n');
  assert.ok(lines.slice(0, -1).every((l) => l.length <= 100 && l.startsWith('    ')));
  assert.is(lines[lines.length - 1], `      ${'x'.repeat(120)}`, 'a long command is never broken');
  assert.is(formatBytes(212992), '208 KiB');
  assert.is(formatBytes(6291456), '6 MiB');
});

test('smoke: runDoctor --json on this machine prints every check id as valid JSON', async () => {
  const { result, out } = await capture(() => runDoctor(['--json']));
  assert.type(result, 'number');
  assert.ok(result === 0 || result === 1);
  const json = JSON.parse(out);
  assert.equal(
    json.checks.map((c: { id: string }) => c.id),
    CHECKS.map((c) => c.id),
  );
  for (const c of json.checks) {
    assert.ok(['OK', 'WARN', 'FAIL', 'SKIP'].includes(c.status), `${c.id}: ${c.status}`);
    assert.type(c.value, 'string');
    assert.ok(c.advice === null || typeof c.advice === 'string');
    if (c.status === 'WARN' || c.status === 'FAIL') assert.ok(c.advice, `${c.id} ${c.status} must say what to do`);
  }
  assert.is(result, json.checks.some((c: { status: string }) => c.status === 'FAIL') ? 1 : 0);
});

test.run();
