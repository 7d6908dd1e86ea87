/**
 * What the rest of the code calls to make a span: `withSpan` around the work
 * where the time goes, `nameServerSpan` for the route. This module loads no
 * OpenTelemetry code (type imports only): until `startTracing` hands it the
 * API and a tracer, each call is one `undefined` check and the work itself.
 *
 * Attributes are ids, counts and names, never a token, a secret, a hash of
 * one or a request body (docs/operating.md, "Tracing").
 */
import type * as OpenTelemetryApi from '@opentelemetry/api';

export type SpanAttributeValue = string | number | boolean;
export type SpanAttributes = Record<string, SpanAttributeValue>;

/** What a traced function may add to its span (present only while tracing is on). */
export interface SpanRecorder {
  setAttribute(key: string, value: SpanAttributeValue): unknown;
}

export type SpanKindName = 'internal' | 'client' | 'producer';

interface Active {
  api: typeof OpenTelemetryApi;
  tracer: OpenTelemetryApi.Tracer;
}

let active: Active | undefined;

/** Called by the SDK's start (tracing-sdk.ts) once the provider is registered; `undefined` at shutdown. */
export function activateSpans(state: Active | undefined): void {
  active = state;
}

/** True once tracing was started in this process. */
export function tracingActive(): boolean {
  return active !== undefined;
}

/**
 * Runs `work` inside a span named `name` (a child of the active span: the
 * HTTP request's), ended when its promise settles; a failure marks the span
 * as an error with the error's code or class name, never its message.
 * Tracing off: `work(undefined)`, nothing else.
 */
export function withSpan<T>(name: string, attributes: SpanAttributes, work: (span: SpanRecorder | undefined) => Promise<T>, kind: SpanKindName = 'internal'): Promise<T> {
  if (active === undefined) return work(undefined);
  const { api, tracer } = active;
  const spanKind = kind === 'client' ? api.SpanKind.CLIENT : kind === 'producer' ? api.SpanKind.PRODUCER : api.SpanKind.INTERNAL;
  return tracer.startActiveSpan(name, { kind: spanKind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      const type = errorType(error);
      span.setAttribute('error.type', type);
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: type });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Names the active HTTP server span after the matched route (`POST /oauth/token`,
 * `GET /api/v2/clients/:id`) and sets `http.route`: the HTTP instrumentation
 * knows only the method and the path, and a path holds ids.
 */
export function nameServerSpan(method: string, route: string): void {
  const span = active?.api.trace.getActiveSpan();
  if (span === undefined) return;
  span.setAttribute('http.route', route);
  span.updateName(`${method} ${route}`);
}

/** A code (`invalid_grant`, `ECONNREFUSED`) or a class name: messages may quote what was sent. */
function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && /^[\w.:-]{1,64}$/.test(code)) return code;
    if (typeof name === 'string' && name !== '') return name.slice(0, 64);
  }
  return 'Error';
}
