// The real HostProbe behind `ringbook doctor`: reads /proc and /sys, runs a few local status commands, and tries
// the threading primitives. Nothing here needs root or the network, and every failure comes back as a reason
// (never an exception), so a missing file or tool turns into a SKIP that says why.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { HostProbe, Read, ThreadSupport } from './checks';
import { errorText } from '../format/errors';

/** Long enough for timedatectl's D-Bus round trip on a busy host, short enough that doctor never seems to hang. */
const COMMAND_TIMEOUT_MS = 2000;

function fsReason(path: string, e: unknown): string {
  const code = (e as { code?: string } | null)?.code;
  if (code === 'ENOENT') return `${path} does not exist`;
  if (code === 'EACCES' || code === 'EPERM') return `no permission to read ${path}`;
  if (code === 'ENOTDIR') return `${path} is not a directory`;
  return `${path}: ${errorText(e)}`;
}

function readFile(path: string): Read {
  try {
    return { ok: true, value: readFileSync(path, 'utf8') };
  } catch (e) {
    return { ok: false, reason: fsReason(path, e) };
  }
}

function listDir(path: string): Read<string[]> {
  try {
    return { ok: true, value: readdirSync(path) };
  } catch (e) {
    return { ok: false, reason: fsReason(path, e) };
  }
}

function run(cmd: string, args: string[]): Read {
  // LC_ALL=C keeps the output in the English format the parsers expect.
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, env: { ...process.env, LC_ALL: 'C' } });
  const err = r.error as (Error & { code?: string }) | undefined;
  if (err?.code === 'ENOENT') return { ok: false, reason: `${cmd} is not installed` };
  if (err?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM')
    return { ok: false, reason: `${cmd} did not answer within ${COMMAND_TIMEOUT_MS / 1000} s` };
  if (err) return { ok: false, reason: `${cmd}: ${err.message}` };
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout || '').trim().split('\n')[0];
    return { ok: false, reason: `${cmd} exited ${r.status}${why ? `: ${why}` : ''}` };
  }
  return { ok: true, value: r.stdout };
}

// (module (import "env" "memory" (memory 1 1 shared)) (func (export "load") (result i32) (i32.atomic.load (i32.const 0))))
// Hand-assembled so the check needs no toolchain: it proves the engine accepts a shared memory import and atomics.
const ATOMIC_LOAD_WASM = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version 1
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7f, // type section: () -> i32
  0x02,
  0x10,
  0x01,
  0x03,
  0x65,
  0x6e,
  0x76,
  0x06,
  0x6d,
  0x65,
  0x6d,
  0x6f,
  0x72,
  0x79,
  0x02,
  0x03,
  0x01,
  0x01, // import env.memory, shared 1..1
  0x03,
  0x02,
  0x01,
  0x00, // function section: func 0 has type 0
  0x07,
  0x08,
  0x01,
  0x04,
  0x6c,
  0x6f,
  0x61,
  0x64,
  0x00,
  0x00, // export "load" = func 0
  0x0a,
  0x0a,
  0x01,
  0x08,
  0x00,
  0x41,
  0x00,
  0xfe,
  0x10,
  0x02,
  0x00,
  0x0b, // code: i32.const 0; i32.atomic.load align=4; end
]);

const attempt = (f: () => string): Read => {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, reason: errorText(e) };
  }
};

function threads(): ThreadSupport {
  return {
    sharedArrayBuffer: attempt(() => {
      if (typeof SharedArrayBuffer !== 'function') throw new Error('SharedArrayBuffer is not defined');
      return `${new SharedArrayBuffer(8).byteLength} bytes`;
    }),
    atomicsWait: attempt(() => {
      const cell = new Int32Array(new SharedArrayBuffer(4));
      // A mismatching value returns at once and a zero timeout never blocks, so this cannot hang.
      const a = Atomics.wait(cell, 0, 1, 0);
      const b = Atomics.wait(cell, 0, 0, 0);
      if (a !== 'not-equal' || b !== 'timed-out') throw new Error(`Atomics.wait answered ${a}/${b}, expected not-equal/timed-out`);
      return 'works';
    }),
    wasmThreads: attempt(() => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      if (!(memory.buffer instanceof SharedArrayBuffer))
        throw new Error('a shared WebAssembly.Memory is not backed by a SharedArrayBuffer');
      const instance = new WebAssembly.Instance(new WebAssembly.Module(ATOMIC_LOAD_WASM), { env: { memory } });
      Atomics.store(new Int32Array(memory.buffer), 0, 42);
      const got = (instance.exports.load as () => number)();
      if (got !== 42) throw new Error(`an atomic load from wasm read ${got}, expected 42`);
      return 'works';
    }),
  };
}

function cpuCount(): { usable: number; online: number } {
  // availableParallelism honours the CPU affinity mask (taskset, cpuset), which os.cpus() does not.
  const usable = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  // os.cpus() is empty where /proc/cpuinfo is hidden (some sandboxes); then usable is the best count there is.
  return { usable, online: os.cpus().length || usable };
}

export function hostProbe(): HostProbe {
  return {
    platform: process.platform,
    nodeVersion: process.versions.node,
    readFile,
    listDir,
    exists: existsSync,
    run,
    cpuCount,
    threads,
  };
}
