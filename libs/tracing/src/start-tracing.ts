import type { TracingConfig } from '@app/config';

export interface StartTracingOptions {
  /** service.name when OTEL_SERVICE_NAME is unset. */
  defaultServiceName: string;
  /** Server spans for incoming HTTP requests (token-service); the relay serves no HTTP. */
  instrumentHttp: boolean;
  /** Incoming requests not traced (probes and scrapes): exact paths, or prefixes ending in `/`. */
  untracedPaths?: readonly string[];
  /** Where the SDK's own warnings go (an export that failed, a collector that refused). */
  warn(message: string): void;
}

export interface Tracing {
  /** Exports the spans still buffered, then stops; the graceful shutdown awaits it. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry traces when `config` says so (libs/config: the OTEL_*
 * variables). Off: resolves with undefined and loads nothing, not even the API.
 * On: loads the SDK, registers it globally and, for token-service, the HTTP
 * instrumentation: so call it before anything requires `http` (Fastify).
 */
export async function startTracing(config: TracingConfig | undefined, options: StartTracingOptions): Promise<Tracing | undefined> {
  if (config === undefined) return undefined;
  const { startTracingSdk } = await import('./tracing-sdk');
  return startTracingSdk(config, options);
}
