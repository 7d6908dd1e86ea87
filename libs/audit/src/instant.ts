import { InvalidTimeError } from './errors';

// A date, or a date-time WITH a zone: "2025-03-01T12:00:00" alone would be read in
// the auditor's local zone by Date.parse, and the answer would depend on the machine.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Parses an ISO-8601 instant: `YYYY-MM-DD` (midnight UTC) or a date-time with
 * `Z` or an offset. Throws InvalidTimeError otherwise.
 */
export function parseInstant(text: string): Date {
  const ms = ISO_INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidTimeError(`"${text}" is not an ISO-8601 instant (e.g. 2025-03-01T12:00:00Z or 2025-03-01)`);
  }
  return new Date(ms);
}

/** Epoch ms of an event time, or undefined when it is not a parsable date. */
export function eventTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
