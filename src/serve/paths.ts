// Request path → a real file inside one root, or a refusal. The raw, still-encoded path is checked rather than a
// normalised URL: normalising would quietly turn `/data/%2e%2e/x` into `/x`, and a refusal is easier to reason
// about than a rewrite. The realpath check afterwards catches what text cannot: symlinks leading out of the root.
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';

export type Resolved =
  | { ok: true; path: string }
  /** 400: not decodable; 403: a shape we never serve (traversal, hidden, outside the root); 404: nothing there. */
  | { ok: false; status: 400 | 403 | 404 };

/**
 * Splits the part of a request path below a root (`venue=x/a.parquet`, still percent-encoded) into plain segments,
 * or says why not. An empty string is the root itself.
 */
export function pathSegments(encoded: string): { ok: true; segments: string[] } | { ok: false; status: 400 | 403 } {
  // a backslash is a separator to some tools and a NUL ends the name to the OS: neither belongs in a URL path
  if (encoded.includes('\\') || encoded.includes('\0')) return { ok: false, status: 403 };
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    return { ok: false, status: 400 };
  }
  // still encoded after one decode means double encoding: harmless here, but a second decoder elsewhere would not be
  if (/[\\\0-\x1f\x7f]/.test(decoded) || /%[0-9a-f]{2}/i.test(decoded)) return { ok: false, status: 403 };
  if (decoded === '') return { ok: true, segments: [] };
  const segments = decoded.split('/');
  // '' is a leading slash (absolute) or '//'; a leading dot is '.', '..' or a hidden file, none of which we serve
  if (segments.some((s) => s === '' || s.startsWith('.'))) return { ok: false, status: 403 };
  return { ok: true, segments };
}

/** True when `p` is `root` or below it; both must already be real paths. */
export function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The real path of `segments` under `realRoot` (itself a real path), refusing anything that resolves outside. */
export async function resolveInside(realRoot: string, segments: readonly string[]): Promise<Resolved> {
  let real: string;
  try {
    real = await realpath(join(realRoot, ...segments));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, status: code === 'EACCES' || code === 'EPERM' ? 403 : 404 };
  }
  return isInside(realRoot, real) ? { ok: true, path: real } : { ok: false, status: 403 };
}
