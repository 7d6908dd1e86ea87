/**
 * An error's message, or the thrown value as text. Duck-typed: errors of
 * native modules and Node's own may come from another realm (Jest
 * sandboxes), where `instanceof Error` fails.
 */
export function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}
