// The `Range` header, single ranges only (RFC 9110 §14). hyparquet asks for one range per read, so multipart
// responses would be dead weight; a server may always ignore Range and answer 200 with the whole file instead.

export type RangeAnswer =
  | { kind: 'full' }
  /** Inclusive byte positions, as in Content-Range. */
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'full' };
  const m = /^bytes=(\d*)-(\d*)$/i.exec(header.trim());
  // other units, several ranges and malformed specs are all ignored, as the RFC allows
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'full' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? Infinity : Number(m[2]);
  if (last < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(last, size - 1) };
}
