// Asserts that `fn` throws an error of `type` whose message is exactly `message` (error texts are part of the
// interface: they say what to fix), and returns it for further checks.
import * as assert from 'uvu/assert';

export function fails<E extends Error = Error>(fn: () => unknown, message: string, type: new (...args: any[]) => E = Error as any): E {
  try {
    fn();
  } catch (e) {
    assert.instance(e, type);
    assert.is((e as Error).message, message);
    return e as E;
  }
  return assert.unreachable(`expected: ${message}`) as never;
}
