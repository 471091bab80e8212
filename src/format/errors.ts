// What a caught value says, for messages: a thrown Error's message, anything else (a string, a rejected promise's
// reason) as text.

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** "NAME: why", once: messages from loaders and readers often start with the name already. */
export function prefixed(name: string, message: string): string {
  if (message.startsWith(`${name}: `)) return message;
  return `${name}: ${message.startsWith(name) ? message.slice(name.length).trimStart() : message}`;
}
