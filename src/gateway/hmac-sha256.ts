// HMAC-SHA256 (RFC 2104 over FIPS 180-4) for request signatures, in plain JavaScript over buffers made once per key.
// node:crypto's Hash objects are native objects behind weak handles: every signature made two of them (copies of the
// key's padded states), and a young-generation collection spent more time finalising those than copying live data
// (docs/tuning.md, keeping the hot path warm). Here a signature allocates its Base64 string and nothing else.
// Checked against node:crypto's HMAC on random keys and messages (test/gateway/hmac-sha256.test.ts).

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** Runs the compression function over `blocks` 64-byte blocks of `m` from byte `at`, updating `h` in place. */
function compress(h: Int32Array, w: Int32Array, m: Uint8Array, at: number, blocks: number): void {
  for (let b = 0; b < blocks; b++) {
    const p = at + b * 64;
    for (let i = 0; i < 16; i++) {
      const q = p + i * 4;
      w[i] = (m[q] << 24) | (m[q + 1] << 16) | (m[q + 2] << 8) | m[q + 3];
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = h[0];
    let bb = h[1];
    let c = h[2];
    let d = h[3];
    let e = h[4];
    let f = h[5];
    let g = h[6];
    let hh = h[7];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[i] + w[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & bb) ^ (a & c) ^ (bb & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + bb) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
    h[4] = (h[4] + e) | 0;
    h[5] = (h[5] + f) | 0;
    h[6] = (h[6] + g) | 0;
    h[7] = (h[7] + hh) | 0;
  }
}

/** Writes the 8 state words big-endian at byte `at` of `out`. */
function putState(out: Uint8Array, at: number, h: Int32Array): void {
  for (let i = 0; i < 8; i++) {
    const v = h[i];
    out[at + i * 4] = v >>> 24;
    out[at + i * 4 + 1] = (v >>> 16) & 0xff;
    out[at + i * 4 + 2] = (v >>> 8) & 0xff;
    out[at + i * 4 + 3] = v & 0xff;
  }
}

/** Pads the message of `len` bytes that starts at byte 0 of `m` after `prefix` bytes already hashed; returns its block count. */
function pad(m: Uint8Array, len: number, prefix: number): number {
  const blocks = Math.ceil((len + 9) / 64);
  m[len] = 0x80;
  m.fill(0, len + 1, blocks * 64 - 8);
  const bits = (len + prefix) * 8;
  const end = blocks * 64;
  // message lengths here are far below 2^32 bytes: the high word's top bytes are zero
  const hi = Math.floor(bits / 0x100000000);
  m[end - 8] = 0;
  m[end - 7] = 0;
  m[end - 6] = 0;
  m[end - 5] = hi & 0xff;
  m[end - 4] = bits >>> 24;
  m[end - 3] = (bits >>> 16) & 0xff;
  m[end - 2] = (bits >>> 8) & 0xff;
  m[end - 1] = bits & 0xff;
  return blocks;
}

/** HMAC-SHA256 under one key, the key's two padded blocks hashed once. Not for concurrent use (one thread, no await). */
export class HmacSha256 {
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly h = new Int32Array(8);
  private readonly w = new Int32Array(64);
  private msg = Buffer.alloc(1024);
  /** The outer hash's one block: the inner digest, then its padding. */
  private readonly last = Buffer.alloc(64);
  private readonly digest = Buffer.alloc(32);

  constructor(secret: string) {
    let key: Uint8Array = Buffer.from(secret, 'utf8');
    if (key.length > 64) {
      const k = new HmacSha256('');
      key = k.sha256(key);
    }
    const block = new Uint8Array(64);
    const w = this.w;
    for (const [state, fill] of [
      [this.inner, 0x36],
      [this.outer, 0x5c],
    ] as const) {
      block.fill(fill);
      for (let i = 0; i < key.length; i++) block[i] ^= key[i];
      state.set(IV);
      compress(state, w, block, 0, 1);
    }
    block.fill(0);
    // the outer block's padding never changes: 32 digest bytes, 0x80, zeros, then (64 + 32) × 8 bits
    pad(this.last, 32, 64);
  }

  /** Base64(HMAC-SHA256(key, message)), the message encoded as UTF-8. */
  base64(message: string): string {
    const len = this.encode(message);
    const h = this.h;
    h.set(this.inner);
    compress(h, this.w, this.msg, 0, pad(this.msg, len, 64));
    putState(this.last, 0, h);
    h.set(this.outer);
    compress(h, this.w, this.last, 0, 1);
    putState(this.digest, 0, h);
    return this.digest.toString('base64');
  }

  /** Plain SHA-256 of `data` (a key longer than a block is hashed first, as RFC 2104 says). */
  private sha256(data: Uint8Array): Uint8Array {
    const m = new Uint8Array(Math.ceil((data.length + 9) / 64) * 64);
    m.set(data);
    const h = new Int32Array(IV);
    compress(h, new Int32Array(64), m, 0, pad(m, data.length, 0));
    const out = new Uint8Array(32);
    putState(out, 0, h);
    return out;
  }

  /** The message's UTF-8 bytes at the start of the message buffer (grown as needed, with room for the padding); its length. */
  private encode(s: string): number {
    const n = s.length;
    let m = this.msg;
    if (m.length < n + 72) m = this.msg = Buffer.alloc(Math.max(m.length * 2, n + 72));
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        // not ASCII: let node encode it (surrogate pairs and all)
        const bytes = Buffer.byteLength(s, 'utf8');
        if (m.length < bytes + 72) m = this.msg = Buffer.alloc(Math.max(m.length * 2, bytes + 72));
        return m.write(s, 0, 'utf8');
      }
      m[i] = c;
    }
    return n;
  }
}
