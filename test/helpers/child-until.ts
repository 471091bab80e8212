// Waiting on a spawned command's state (what it wrote, its signal mask, its process state), not on time.
import type { ChildProcess } from 'node:child_process';

/** Resolves once `ok()` holds, looked at every few ms (a file written, a handler installed, a state in /proc), or rejects once `child` exits. */
export function until(child: ChildProcess, ok: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (ok()) {
        clearInterval(t);
        resolve();
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearInterval(t);
        reject(new Error(`exited before ${what}`));
      }
    }, 2);
  });
}
