/**
 * The OpenTelemetry SDK, loaded only by `startTracing` when tracing is on
 * (a dynamic import: off, none of these packages is ever required).
 *
 * The trace SDK alone (sdk-trace-node: provider, batch processor, samplers),
 * the OTLP/HTTP JSON exporter and the HTTP instrumentation, configured from
 * libs/config's validated values rather than from the environment.
 */
import * as api from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import type { TracesSampler, TracingConfig } from '@app/config';
import { activateSpans } from './spans';
import type { StartTracingOptions, Tracing } from './start-tracing';

/** The tracer's name on every manual span (instrumentation scope). */
const TRACER_NAME = 'refresh-token-service';

export function startTracingSdk(config: TracingConfig, options: StartTracingOptions): Tracing {
  const say = (message: string): void => options.warn(`OpenTelemetry: ${readable(message)}`);
  api.diag.setLogger(
    {
      error: say,
      warn: say,
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    api.DiagLogLevel.WARN,
  );
  const exporter = new OTLPTraceExporter({ url: config.tracesUrl, headers: config.headers, timeoutMillis: config.exportTimeoutMs });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      ...config.resourceAttributes,
      // OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES (the specification).
      'service.name': config.serviceName ?? config.resourceAttributes['service.name'] ?? options.defaultServiceName,
      // Workers of one cluster share the name: the pid tells them apart.
      'process.pid': process.pid,
    }),
    sampler: sampler(config.sampler.kind, config.sampler.ratio),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  // The global provider, the AsyncLocalStorage context manager and W3C trace-context propagation (a caller's traceparent is honoured).
  provider.register();
  const disableInstrumentations = options.instrumentHttp
    ? registerInstrumentations({ tracerProvider: provider, instrumentations: [httpInstrumentation(options.untracedPaths ?? [])] })
    : () => undefined;
  activateSpans({ api, tracer: provider.getTracer(TRACER_NAME) });

  let stopped: Promise<void> | undefined;
  return {
    shutdown: () =>
      (stopped ??= (async () => {
        activateSpans(undefined);
        disableInstrumentations();
        // A collector that is down: the spans are lost (said once), the shutdown goes on.
        await provider.shutdown().catch((error: unknown) => options.warn(`OpenTelemetry: spans not exported at shutdown: ${error instanceof Error ? error.message : String(error)}`));
      })()),
  };
}

/**
 * Server spans for incoming requests: no header is recorded (Authorization
 * stays out), the query string is replaced whole (a client may put a token
 * there by mistake, under any name), probes and scrapes are not traced.
 * Outgoing requests only inside a traced request (the exporter's own are never traced).
 */
function httpInstrumentation(untracedPaths: readonly string[]): HttpInstrumentation {
  const untraced = (url: string | undefined): boolean => {
    const path = (url ?? '').split('?', 1)[0];
    return untracedPaths.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p));
  };
  return new HttpInstrumentation({
    ignoreIncomingRequestHook: (request) => untraced(request.url),
    startIncomingSpanHook: (request) => ((request.url ?? '').includes('?') ? { 'url.query': 'REDACTED' } : {}),
    requireParentforOutgoingSpans: true,
  });
}

function sampler(kind: TracesSampler, ratio: number): Sampler {
  switch (kind) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/** The SDK reports a failed export as the error serialised to JSON, stack included: its message is enough. */
function readable(message: string): string {
  if (!message.startsWith('{')) return message;
  try {
    const parsed = JSON.parse(message) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : message;
  } catch {
    return message;
  }
}
