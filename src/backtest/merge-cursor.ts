// Where a replay of several instruments stands in each one's decoded piece: the streaming merge (./merge) loads the
// pieces, the loop (./run, feedStreams) replays them in place, taking messages across the instruments in local-time
// order without a call per message. Typed arrays by stream, so the loop reads them without boxing.
import { R, REC_SIZE } from '../core/index';
import { mergedBefore } from './merge-order';

const W_LOCAL = R.localTs >> 2;

export class MergeCursor {
  readonly n: number;
  /** The instrument of each stream (its index in the run: at equal stamps the lower goes first). */
  readonly inst: Int32Array;
  /** Each stream's piece: byte address in core memory (below 2 GiB, as the loop's), records in it, the next one to replay. */
  readonly ptr: Int32Array;
  readonly rows: Int32Array;
  readonly pos: Int32Array;
  /** 1 while a stream has records (0: it ended). */
  readonly live: Uint8Array;
  /** Each live stream's next record's local stamp as its int32 halves (lo as stored, compared unsigned). */
  readonly hi: Int32Array;
  readonly lo: Int32Array;
  /** The stream replayed last (a message it cut at its piece's end goes on there first); -1 before the first. */
  cur = -1;

  constructor(
    insts: readonly number[],
    private readonly words: Int32Array,
  ) {
    const n = (this.n = insts.length);
    this.inst = Int32Array.from(insts);
    this.ptr = new Int32Array(n);
    this.rows = new Int32Array(n);
    this.pos = new Int32Array(n);
    this.live = new Uint8Array(n).fill(1);
    this.hi = new Int32Array(n);
    this.lo = new Int32Array(n);
  }

  /** Stream `s` goes on in a new piece of `rows` (> 0) records at byte `ptr`. */
  piece(s: number, ptr: number, rows: number): void {
    this.ptr[s] = ptr;
    this.rows[s] = rows;
    this.pos[s] = 0;
    this.head(s);
  }

  /** Stream `s` has no more records. */
  end(s: number): void {
    this.live[s] = 0;
  }

  /** Reads stream `s`'s next stamp (at pos, inside its piece). */
  head(s: number): void {
    const at = ((this.ptr[s] + this.pos[s] * REC_SIZE) >> 2) + W_LOCAL;
    this.hi[s] = this.words[at + 1];
    this.lo[s] = this.words[at];
  }

  /** Stream a's next message goes before stream b's: an earlier stamp, or the same stamp and a lower instrument. */
  before(a: number, b: number): boolean {
    return mergedBefore(this.hi[a], this.lo[a], this.hi[b], this.lo[b], this.inst[a] < this.inst[b]);
  }

  /** The live stream whose next message goes first, leaving out stream `except` (-1: none left out); -1 when none. */
  first(except: number): number {
    let k = -1;
    for (let i = 0; i < this.n; i++) if (i !== except && this.live[i] === 1 && (k < 0 || this.before(i, k))) k = i;
    return k;
  }
}
