// gzip told by its magic bytes, not by a name: a .gz a server sends as a file, a file named .csv that holds gzip. One
// test for every reader of an import's input — a file and an http(s) body in Node (./input), a file dropped on the
// replay page (./page) — so that no two of them can disagree on what is gzip. No Node imports: the page uses it.

/** Whether `head` (at least the input's first two bytes) begins with gzip's magic bytes 1f 8b. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}
