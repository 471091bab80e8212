// What a caught value says, for messages: a thrown Error's message, anything else (a string, a rejected promise's
// reason) as text.

export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch's "fetch failed" says nothing of why: its cause does ("connect ECONNREFUSED 127.0.0.1:8181")
  const cause = err.cause instanceof Error && err.cause.message && !err.message.includes(err.cause.message) ? err.cause.message : '';
  return cause ? `${err.message} (${cause})` : err.message;
}

/** "NAME: why", once: messages from loaders and readers often start with the name already. */
export function prefixed(name: string, message: string): string {
  if (message.startsWith(`${name}: `)) return message;
  return `${name}: ${message.startsWith(name) ? message.slice(name.length).trimStart() : message}`;
}
