import * as api from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { activateSpans, nameServerSpan, tracingActive, withSpan } from './spans';

describe('withSpan', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  // The AsyncLocalStorage context manager, as tracing-sdk.ts registers it: a span's children find it across awaits.
  beforeAll(() => provider.register());
  afterEach(() => {
    activateSpans(undefined);
    exporter.reset();
  });
  afterAll(async () => {
    await provider.shutdown();
    api.trace.disable();
    api.context.disable();
  });

  it('off: runs the work with no span and records nothing', async () => {
    expect(tracingActive()).toBe(false);
    const seen: unknown[] = [];
    await expect(withSpan('work', { a: 1 }, async (span) => (seen.push(span), 42))).resolves.toBe(42);
    expect(seen).toEqual([undefined]);
    expect(() => nameServerSpan('GET', '/x')).not.toThrow();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('on: one span per call with its attributes and kind, ended when the work settles, nested under the active span', async () => {
    activateSpans({ api, tracer: provider.getTracer('test') });
    await withSpan('outer', { 'messaging.system': 'kafka' }, (outer) =>
      withSpan(
        'inner',
        {},
        async (inner) => {
          outer!.setAttribute('outer.done', false);
          inner!.setAttribute('inner.count', 3);
        },
        'producer',
      ),
    );
    const [inner, outer] = exporter.getFinishedSpans();
    expect(outer.name).toBe('outer');
    expect(outer.kind).toBe(api.SpanKind.INTERNAL);
    expect(outer.attributes).toEqual({ 'messaging.system': 'kafka', 'outer.done': false });
    expect(inner.name).toBe('inner');
    expect(inner.kind).toBe(api.SpanKind.PRODUCER);
    expect(inner.attributes).toEqual({ 'inner.count': 3 });
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
  });

  it("on: a failure marks the span an error with the error's code or class, never its message, and is rethrown", async () => {
    activateSpans({ api, tracer: provider.getTracer('test') });
    const coded = Object.assign(new Error('refresh token rt_sekrit is unknown'), { code: 'invalid_grant' });
    await expect(withSpan('coded', {}, async () => Promise.reject(coded))).rejects.toBe(coded);
    await expect(withSpan('plain', {}, async () => Promise.reject(new TypeError('client secret sekrit')))).rejects.toThrow(TypeError);
    const [first, second] = exporter.getFinishedSpans();
    expect(first.status).toEqual({ code: api.SpanStatusCode.ERROR, message: 'invalid_grant' });
    expect(first.attributes).toEqual({ 'error.type': 'invalid_grant' });
    expect(second.status).toEqual({ code: api.SpanStatusCode.ERROR, message: 'TypeError' });
    expect(JSON.stringify([first.events, second.events, first.attributes, second.attributes])).not.toContain('sekrit');
  });
});
