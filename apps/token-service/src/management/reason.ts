/** Every revoking call takes an optional reason (`?reason=` on DELETE, `reason` in a JSON body); else the path's default. */
export function reasonOf(query: unknown, body: unknown, fallback: string): string {
  for (const source of [query, body]) {
    if (source && typeof source === 'object' && 'reason' in source) {
      const reason = (source as { reason: unknown }).reason;
      if (typeof reason === 'string') return reason;
    }
  }
  return fallback;
}
