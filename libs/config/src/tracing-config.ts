import { z } from 'zod';
import { ConfigError } from './config-error';

/**
 * OpenTelemetry traces, from the standard OTEL_* variables (the OTel
 * specification's "Environment Variable Specification" and "OTLP Exporter
 * Configuration"), validated here like every other variable so a bad value
 * refuses the start in one line.
 *
 * Off unless the operator asks: OTEL_TRACES_EXPORTER=otlp, or an OTLP endpoint
 * (OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) with
 * OTEL_TRACES_EXPORTER unset. OTEL_TRACES_EXPORTER=none or
 * OTEL_SDK_DISABLED=true turn it off whatever else is set. (The specification's
 * default exporter is otlp; a service that would export to localhost:4318
 * by default is not "off by default", so an unset exporter means off here.)
 */
export interface TracingConfig {
  /** OTEL_SERVICE_NAME; unset: the entry point's own name (refresh-token-service, refresh-token-relay). */
  serviceName?: string;
  /** Where spans are POSTed (OTLP/HTTP, JSON bodies). */
  tracesUrl: string;
  /** OTEL_EXPORTER_OTLP_HEADERS then OTEL_EXPORTER_OTLP_TRACES_HEADERS (the latter wins per key): a backend's API key, say. */
  headers: Record<string, string>;
  /** Deadline of one export; ms. */
  exportTimeoutMs: number;
  sampler: { kind: TracesSampler; ratio: number };
  /** OTEL_RESOURCE_ATTRIBUTES (service.name is OTEL_SERVICE_NAME's). */
  resourceAttributes: Record<string, string>;
}

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type TracesSampler = (typeof SAMPLERS)[number];

/** The specification's default endpoint of OTLP/HTTP. */
const DEFAULT_OTLP_HTTP_ENDPOINT = 'http://localhost:4318/';

/** Empty is unset, as the specification says of every OTEL_* variable. */
const unsetIfEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const optional = <T extends z.ZodType>(type: T) => z.preprocess(unsetIfEmpty, type.optional());

/** An http(s) URL; the value is never repeated in the message (it may carry credentials). */
const endpoint = (name: string) =>
  optional(
    z.string().refine((v) => {
      try {
        return ['http:', 'https:'].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `${name} must be an absolute http:// or https:// URL`),
  );

/**
 * `key=value,key=value` with percent-encoded values (the specification's
 * format of OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES). The
 * message names the variable only: headers hold API keys.
 */
const keyValueList = (name: string) =>
  optional(
    z.string().transform((text, ctx) => {
      const pairs: Record<string, string> = {};
      for (const item of text.split(',')) {
        if (item.trim() === '') continue;
        const at = item.indexOf('=');
        const key = at > 0 ? item.slice(0, at).trim() : '';
        let value: string | undefined;
        try {
          value = at > 0 ? decodeURIComponent(item.slice(at + 1).trim()) : undefined;
        } catch {
          value = undefined;
        }
        if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(key) || value === undefined) {
          ctx.issues.push({ code: 'custom', message: `${name} must be key=value pairs separated by commas, values percent-encoded`, input: text });
          return z.NEVER;
        }
        pairs[key] = value;
      }
      return pairs;
    }),
  );

const milliseconds = (name: string) =>
  optional(z.coerce.number({ error: `${name} must be a number of milliseconds` }).int(`${name} must be a whole number`).min(1, `${name} must be >= 1`).max(600_000, `${name} must be <= 600000`));

/** The OTEL_* variables, spread into the one schema of libs/config. */
export const tracingEnvironment = {
  OTEL_SDK_DISABLED: optional(z.string().toLowerCase().pipe(z.enum(['true', 'false'], { error: 'OTEL_SDK_DISABLED must be true or false' }))),
  OTEL_TRACES_EXPORTER: optional(
    z
      .string()
      .trim()
      .pipe(z.enum(['otlp', 'none'], { error: 'OTEL_TRACES_EXPORTER must be otlp or none (traces are exported over OTLP/HTTP only)' })),
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint('OTEL_EXPORTER_OTLP_ENDPOINT'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
  OTEL_EXPORTER_OTLP_PROTOCOL: optional(z.enum(['http/json', 'http/protobuf', 'grpc'], { error: 'OTEL_EXPORTER_OTLP_PROTOCOL must be http/json, http/protobuf or grpc' })),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: optional(
    z.enum(['http/json', 'http/protobuf', 'grpc'], { error: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be http/json, http/protobuf or grpc' }),
  ),
  OTEL_EXPORTER_OTLP_HEADERS: keyValueList('OTEL_EXPORTER_OTLP_HEADERS'),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: keyValueList('OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
  OTEL_EXPORTER_OTLP_TIMEOUT: milliseconds('OTEL_EXPORTER_OTLP_TIMEOUT'),
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: milliseconds('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT'),
  OTEL_SERVICE_NAME: optional(z.string().trim().max(256, 'OTEL_SERVICE_NAME must be at most 256 characters')),
  OTEL_RESOURCE_ATTRIBUTES: keyValueList('OTEL_RESOURCE_ATTRIBUTES'),
  OTEL_TRACES_SAMPLER: optional(z.enum(SAMPLERS, { error: `OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')}` })),
  OTEL_TRACES_SAMPLER_ARG: optional(
    z.coerce
      .number({ error: 'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1' })
      .min(0, 'OTEL_TRACES_SAMPLER_ARG must be from 0 to 1')
      .max(1, 'OTEL_TRACES_SAMPLER_ARG must be from 0 to 1'),
  ),
};

type TracingEnvironment = z.output<z.ZodObject<typeof tracingEnvironment>>;

/** Tracing as the parsed OTEL_* variables ask for it; undefined when off. */
export function tracingConfig(e: TracingEnvironment): TracingConfig | undefined {
  if (e.OTEL_SDK_DISABLED === 'true' || e.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const endpointGiven = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined || e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;
  if (e.OTEL_TRACES_EXPORTER !== 'otlp' && !endpointGiven) return undefined;
  const protocol = e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/json';
  if (protocol !== 'http/json') {
    const name = e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    throw new ConfigError(
      `invalid configuration:\n  ${name}: traces are exported over OTLP/HTTP with JSON bodies only: set http/json (an OpenTelemetry Collector's OTLP/HTTP receiver takes it) or unset it`,
    );
  }
  return {
    serviceName: e.OTEL_SERVICE_NAME,
    tracesUrl: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? signalUrl(e.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_OTLP_HTTP_ENDPOINT),
    headers: { ...e.OTEL_EXPORTER_OTLP_HEADERS, ...e.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
    exportTimeoutMs: e.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? e.OTEL_EXPORTER_OTLP_TIMEOUT ?? 10_000,
    sampler: { kind: e.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on', ratio: e.OTEL_TRACES_SAMPLER_ARG ?? 1 },
    resourceAttributes: e.OTEL_RESOURCE_ATTRIBUTES ?? {},
  };
}

/** The base endpoint plus `v1/traces` (the specification: the signal's path is appended to OTEL_EXPORTER_OTLP_ENDPOINT, never to the _TRACES_ one). */
function signalUrl(base: string): string {
  return `${base}${base.endsWith('/') ? '' : '/'}v1/traces`;
}
