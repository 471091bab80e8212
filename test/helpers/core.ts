// Loads the built core for tests (cwd = repository root, after `npm run build`).
import { compileCore, createMemory, instantiateCore, formatMemory, type Core } from '../../src/core/index';

export const WASM_PATH = 'build/core.wasm';

export async function testCore(pages?: number): Promise<Core> {
  const module = await compileCore(WASM_PATH);
  const core = await instantiateCore(module, createMemory(pages), { slot: 0 });
  formatMemory(core);
  return core;
}
