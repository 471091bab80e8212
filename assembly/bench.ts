// Ring benchmark loops that run entirely inside wasm: the producer writes sequence-stamped 64-byte records (field f
// = seq + f, the same work the JavaScript contenders do) and the consumer checks every field, so a lost,
// duplicated, reordered or torn record counts as an error.

import { ringWritable, ringPublish, ringReadable, ringRelease, ringSlot, ringHead, ringTail } from "./ring";


/** Writes records seq = 0..n-1, publishing every `batch` records; spins while the ring is full. */
export function benchProduce(ring: usize, n: u32, batch: u32): void {
  let seq: u32 = 0;
  while (seq < n) {
    const k = ringWritable(ring, min<u32>(batch, n - seq));
    if (k == 0) continue;
    const head = ringHead(ring);
    for (let j: u32 = 0; j < k; j++) {
      const p = ringSlot(ring, head + j);
      const s = <u64>(seq + j);
      store<u64>(p, s);
      for (let f: usize = 1; f < 8; f++) store<u64>(p + (f << 3), s + <u64>f);
    }
    ringPublish(ring, k);
    seq += k;
  }
}

/** Reads n records, releasing every `batch`; returns the number of records with a wrong field. */
export function benchConsume(ring: usize, n: u32, batch: u32): u32 {
  let seq: u32 = 0;
  let errors: u32 = 0;
  while (seq < n) {
    const k = ringReadable(ring, min<u32>(batch, n - seq));
    if (k == 0) continue;
    const tail = ringTail(ring);
    for (let j: u32 = 0; j < k; j++) {
      const p = ringSlot(ring, tail + j);
      const s = <u64>(seq + j);
      let bad = load<u64>(p) != s;
      for (let f: usize = 1; f < 8; f++) bad = bad || load<u64>(p + (f << 3)) != s + <u64>f;
      if (bad) errors++;
    }
    ringRelease(ring, k);
    seq += k;
  }
  return errors;
}
