import { refusalLine } from '@app/process';
import { loadConfig } from './config';

/** The one line a refused start prints for `env`. */
function refusal(env: NodeJS.ProcessEnv): string | undefined {
  try {
    loadConfig(env);
  } catch (error) {
    return refusalLine(error);
  }
  throw new Error('loadConfig accepted it');
}

describe('tracing configuration (OTEL_* variables)', () => {
  it('is off by default, and with the exporter none or the SDK disabled whatever endpoint is set', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_SDK_DISABLED: 'TRUE', OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toBeUndefined();
    // Empty is unset (the specification), as `OTEL_TRACES_EXPORTER=` in a compose file.
    expect(loadConfig({ OTEL_TRACES_EXPORTER: '', OTEL_EXPORTER_OTLP_ENDPOINT: '' }).tracing).toBeUndefined();
  });

  it('is on with OTEL_TRACES_EXPORTER=otlp, to the specification default endpoint, parent-based always-on', () => {
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toEqual({
      serviceName: undefined,
      tracesUrl: 'http://localhost:4318/v1/traces',
      headers: {},
      exportTimeoutMs: 10_000,
      sampler: { kind: 'parentbased_always_on', ratio: 1 },
      resourceAttributes: {},
    });
  });

  it('is on with an endpoint alone: v1/traces appended to the base endpoint, the traces endpoint used as given', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318' }).tracing?.tracesUrl).toBe('https://collector:4318/v1/traces');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318/otlp/' }).tracing?.tracesUrl).toBe('https://collector:4318/otlp/v1/traces');
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b:4318/custom/path' }).tracing?.tracesUrl,
    ).toBe('https://b:4318/custom/path');
  });

  it('takes headers (percent-decoded, the traces ones win), the timeout, the sampler, the service name and resource attributes', () => {
    const tracing = loadConfig({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D, x-team=auth',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=tokens',
      OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2000',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_SERVICE_NAME: 'tokens-eu',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.namespace=auth',
    }).tracing;
    expect(tracing).toMatchObject({
      headers: { 'x-api-key': 'abc==', 'x-team': 'tokens' },
      exportTimeoutMs: 2000,
      sampler: { kind: 'parentbased_traceidratio', ratio: 0.25 },
      serviceName: 'tokens-eu',
      resourceAttributes: { 'deployment.environment': 'prod', 'service.namespace': 'auth' },
    });
  });

  it('refuses a bad value in one line naming the variable, even while tracing is off (a typo must not turn it off silently)', () => {
    expect(refusal({ OTEL_TRACES_EXPORTER: 'otlpp' })).toBe('OTEL_TRACES_EXPORTER: OTEL_TRACES_EXPORTER must be otlp or none (traces are exported over OTLP/HTTP only)');
    expect(refusal({ OTEL_TRACES_EXPORTER: 'zipkin' })).toMatch(/^OTEL_TRACES_EXPORTER: /);
    expect(refusal({ OTEL_SDK_DISABLED: 'yes' })).toMatch(/^OTEL_SDK_DISABLED: /);
    expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toMatch(/^OTEL_EXPORTER_OTLP_ENDPOINT: .*absolute http/);
    expect(refusal({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector/' })).toMatch(/^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: /);
    expect(refusal({ OTEL_EXPORTER_OTLP_TIMEOUT: '0' })).toMatch(/^OTEL_EXPORTER_OTLP_TIMEOUT: /);
    expect(refusal({ OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toMatch(/^OTEL_TRACES_SAMPLER: /);
    expect(refusal({ OTEL_TRACES_SAMPLER_ARG: '1.5' })).toMatch(/^OTEL_TRACES_SAMPLER_ARG: /);
    expect(refusal({ OTEL_RESOURCE_ATTRIBUTES: 'no-equals-sign' })).toMatch(/^OTEL_RESOURCE_ATTRIBUTES: /);
  });

  it('never repeats a header value or an endpoint in the refusal (they may hold an API key or credentials)', () => {
    const line = refusal({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20sekrit-api-key,broken' });
    expect(line).toMatch(/^OTEL_EXPORTER_OTLP_HEADERS: /);
    expect(line).not.toContain('sekrit');
    expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'user:sekrit@collector' })).not.toContain('sekrit');
  });

  it('exports OTLP/HTTP with JSON only: refuses http/protobuf or grpc when tracing is on, not when it is off', () => {
    expect(refusal({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatch(/^OTEL_EXPORTER_OTLP_PROTOCOL: traces are exported over OTLP\/HTTP with JSON bodies only/);
    expect(refusal({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' })).toMatch(/^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: /);
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }).tracing).toBeDefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).tracing).toBeUndefined();
    expect(refusal({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http' })).toMatch(/^OTEL_EXPORTER_OTLP_PROTOCOL: /);
  });
});
