// The one validated configuration of every process (token-service, the relay, the CLIs).
export * from './config';
export type { TracingConfig, TracesSampler } from './tracing-config';
