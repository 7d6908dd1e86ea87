/**
 * An OTLP/HTTP trace receiver for the tests: a node:http server that takes
 * `POST /v1/traces` with JSON bodies (OTEL_EXPORTER_OTLP_PROTOCOL=http/json),
 * keeps every body as received and answers as a collector does.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as the receiver saw it, attributes flattened to plain values. */
export interface ReceivedSpan {
  serviceName: string;
  /** The resource's process.pid: which process of a cluster made it. */
  pid: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** OTLP's StatusCode: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
interface OtlpBody {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpKeyValue[]; status?: { code?: number } }[] }[];
  }[];
}

const valueOf = (v: OtlpAnyValue): string | number | boolean => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue ?? '';
const flatten = (kvs: OtlpKeyValue[] = []): Record<string, string | number | boolean> => Object.fromEntries(kvs.map((kv) => [kv.key, valueOf(kv.value)]));

export class OtlpReceiver {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** Every request body, as text, in arrival order. */
    readonly bodies: string[],
    /** The headers of each export request. */
    readonly headers: IncomingHttpHeaders[],
  ) {}

  static async start(): Promise<OtlpReceiver> {
    const bodies: string[] = [];
    const headers: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method !== 'POST' || request.url !== '/v1/traces') {
          response.writeHead(404).end();
          return;
        }
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        headers.push(request.headers);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new OtlpReceiver(server, (server.address() as AddressInfo).port, bodies, headers);
  }

  /** The base endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Every span received so far (the bodies must be OTLP JSON). */
  spans(): ReceivedSpan[] {
    const spans: ReceivedSpan[] = [];
    for (const text of this.bodies) {
      for (const resourceSpans of (JSON.parse(text) as OtlpBody).resourceSpans ?? []) {
        const resource = flatten(resourceSpans.resource?.attributes);
        const serviceName = String(resource['service.name'] ?? '');
        const pid = Number(resource['process.pid']);
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const s of scope.spans ?? []) {
            spans.push({
              serviceName,
              pid,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: s.kind,
              attributes: flatten(s.attributes),
              statusCode: s.status?.code ?? 0,
            });
          }
        }
      }
    }
    return spans;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
