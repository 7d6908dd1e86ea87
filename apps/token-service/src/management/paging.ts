import { z } from 'zod';
import { MAX_PER_PAGE } from '@app/read-model';

/**
 * The paging limits, the same on every listing: `per_page` 1..1000 (the
 * device-credentials limit of the contract, Auth0's for that endpoint), 50
 * when not given.
 */
export const PER_PAGE_MAX = MAX_PER_PAGE;
export const PER_PAGE_DEFAULT = 50;

/** A query-string boolean: exactly `true` or `false`. */
export const queryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/** `page` (0-based), `per_page`, `include_totals`: spread into every listing's strict query schema. */
export const pagingParams = {
  page: z.coerce.number().int().min(0).max(1_000_000).default(0).meta({ description: '0-based page number' }),
  per_page: z.coerce
    .number()
    .int()
    .min(1)
    .max(PER_PAGE_MAX)
    .default(PER_PAGE_DEFAULT)
    .meta({ description: `Items per page (1-${PER_PAGE_MAX}, default ${PER_PAGE_DEFAULT})` }),
  include_totals: queryBoolean.default(false).meta({ description: 'true: answer `{start, limit, length, total, <items>}` instead of a plain array' }),
};

export interface Paging {
  page: number;
  per_page: number;
  include_totals: boolean;
}

/** The wrapper `include_totals=true` answers (Auth0's), items under `key`. */
export function withTotals<K extends string, T>(key: K, items: T[], total: number, paging: Paging) {
  return { start: paging.page * paging.per_page, limit: paging.per_page, length: items.length, total, [key]: items } as {
    start: number;
    limit: number;
    length: number;
    total: number;
  } & Record<K, T[]>;
}

/** A listing's answer: the page as a plain array, or wrapped with its totals. */
export function pagedList<K extends string, T>(key: K, items: T[], total: number, paging: Paging) {
  return paging.include_totals ? withTotals(key, items, total, paging) : items;
}

/** One page of a list the read model returns whole (clients, client grants: few rows). */
export function pageOf<T>(all: readonly T[], paging: Paging): T[] {
  const start = paging.page * paging.per_page;
  return all.slice(start, start + paging.per_page);
}

/** The response schema of a listing: the plain array or the totals wrapper. */
export function pagedListSchema<K extends string, S extends z.ZodType>(key: K, item: S) {
  return z.union([
    z.array(item),
    z.object({ start: z.number().int(), limit: z.number().int(), length: z.number().int(), total: z.number().int(), [key]: z.array(item) } as {
      start: z.ZodNumber;
      limit: z.ZodNumber;
      length: z.ZodNumber;
      total: z.ZodNumber;
    } & Record<K, z.ZodArray<S>>),
  ]);
}
