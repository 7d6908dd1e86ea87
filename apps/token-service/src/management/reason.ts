import { z } from 'zod';
import { parseManagementInput, text } from '../errors/validation';

/** The optional reason every revoking call takes (`?reason=` on DELETE, `reason` in a JSON body). */
export const reasonOnly = z.object({ reason: text().optional() }).strict();

/**
 * A revoking call's input, read from the query and the JSON body under the
 * same strict schema (the query wins a field given in both). A malformed
 * filter is 400 before anything is revoked.
 */
export function revokeInput<S extends z.ZodType<Record<string, unknown>>>(schema: S, query: unknown, body: unknown): z.output<S> {
  const fromQuery = parseManagementInput(schema, query, 'query');
  const fromBody = parseManagementInput(schema, body, 'body');
  const given = Object.fromEntries(Object.entries(fromQuery).filter(([, v]) => v !== undefined));
  return { ...fromBody, ...given } as z.output<S>;
}

/** The call's reason, else the path's default. */
export function reasonOf(query: unknown, body: unknown, fallback: string): string {
  return revokeInput(reasonOnly, query, body).reason ?? fallback;
}
