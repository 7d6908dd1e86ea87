// OpenTelemetry traces, off by default: the span helpers (no OpenTelemetry code loaded until tracing starts)
// and the start, which loads the SDK only when the OTEL_* variables turn tracing on.
export { nameServerSpan, tracingActive, withSpan, type SpanAttributes, type SpanKindName, type SpanRecorder } from './spans';
export { startTracing, type StartTracingOptions, type Tracing } from './start-tracing';
