// Loads a strategy bundle from its text in a worker thread (as the optimizer's workers and the page's worker do) and
// runs it over the same book messages the main thread does; posts back the actions.
import { parentPort, workerData } from 'node:worker_threads';
import { loadBundle, type StrategyBundle } from '../../src/strategy/sandbox';
import { resolveRun } from '../../src/strategy/resolve';
import { ObiOfiHarness, T0, MS, signalAt } from '../helpers/obi-ofi';

const { bundle, sets } = workerData as { bundle: StrategyBundle; sets: string[] };
const s = loadBundle(bundle);
resolveRun(s.definition, [], sets);
const h = new ObiOfiHarness({ definition: s.definition, sets });
const out: string[] = [];
for (let i = 0; i < 50; i++) {
  const localTs = T0 + BigInt(i * 40) * MS;
  const l1 = Math.sin(i / 3);
  for (const a of h.handle(signalAt(localTs, { l1, obiN: l1, ofiNorm: l1, z: l1 }))) out.push(JSON.stringify(a));
}
parentPort!.postMessage({ name: s.definition.name, actions: out });
