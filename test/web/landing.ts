// Where a seek must land: the local time of the last market message at or before the target (the replay stands
// between messages, never inside one).
import type { Recording } from '../../src/web/recording';

export function landing(rec: Recording, target: bigint): bigint {
  let best = -1;
  for (let i = 0; i < rec.rows; i++) {
    if (!rec.msgEnd[i]) continue;
    if (rec.firstNs + BigInt(rec.rel[i]) > target) break;
    best = i;
  }
  if (best < 0) throw new Error(`no message at or before ${target}`);
  return rec.firstNs + BigInt(rec.rel[best]);
}
