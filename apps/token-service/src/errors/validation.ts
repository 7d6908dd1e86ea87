import { z } from 'zod';
import { characterProblem, MAX_TEXT_LENGTH, textProblem } from '@app/shared';
import { badRequest } from './management-error';
import { invalidRequest } from './oauth-error';

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.join('.') : 'body';
  // zod reports a missing key as an invalid_type that received undefined.
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return `Missing required parameter: ${where}`;
  if (issue.code === 'unrecognized_keys') return `Unknown parameter(s): ${issue.keys.join(', ')}`;
  return `${where}: ${issue.message}`;
}

/**
 * A text field the API takes (ids, names, reasons): the domain's one text rule
 * (`@app/shared/text`), so a caller learns which field is refused before any
 * command is built. `scope`-like lists, which may be empty, take `characters`.
 */
export const text = (max: number = MAX_TEXT_LENGTH) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const problem = textProblem(value, max);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    // The rule in the OpenAPI document (a refinement has no JSON Schema form of its own).
    .meta({ minLength: 1, maxLength: max });

/** Any length-bounded string (tokens, scope lists) free of the characters `text` refuses. */
export const characters = (max: number, min = 0) =>
  z
    .string()
    .min(min)
    .max(max)
    .superRefine((value, ctx) => {
      const problem = characterProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** The body as an object (a missing or non-object body is treated as empty, so required fields are reported by name). */
function asRecord(input: unknown): Record<string, unknown> {
  return input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
}

/**
 * Parses an OAuth request (JSON or form). RFC 6749 §3.1: parameters MUST NOT
 * be included more than once, so a repeated form field is invalid_request.
 */
export function parseOAuthParams<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const params = asRecord(input);
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value)) throw invalidRequest(`Parameter ${name} must not be repeated`);
  }
  const result = schema.safeParse(params);
  if (!result.success) throw invalidRequest(describeIssue(result.error.issues[0]));
  return result.data;
}

/** Parses a management API body or query; errors in Auth0's management error shape. */
export function parseManagementInput<S extends z.ZodType>(schema: S, input: unknown, what: 'body' | 'query' = 'body'): z.output<S> {
  // A body, when there is one, is a JSON object: `[]`, `"x"` or `null` is not an empty object.
  if (what === 'body' && input !== undefined && asRecord(input) !== input) {
    throw badRequest('Payload validation error: the body must be a JSON object', 'invalid_body');
  }
  const result = schema.safeParse(asRecord(input));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw badRequest(`Payload validation error: ${describeIssue(issue)}`, what === 'body' ? 'invalid_body' : 'invalid_query_string');
  }
  return result.data;
}

/** A path parameter (an id) under the same text rule as body fields; 400 naming it. */
export function parsePathParam(name: string, value: unknown): string {
  const problem = textProblem(value);
  if (problem) throw badRequest(`Path validation error: ${name}: ${problem}`, 'invalid_uri');
  return value as string;
}
