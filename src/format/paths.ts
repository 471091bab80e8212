// Paths as messages print them.

/** A directory as messages print it: with one trailing slash however it was typed (data2// → data2/). */
export function dirText(path: string): string {
  const bare = path.replace(/\/+$/, '');
  return `${bare || '/'}${bare ? '/' : ''}`;
}
