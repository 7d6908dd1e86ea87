/**
 * A small HTTP client for the end-to-end suites: Node's global fetch against a
 * started service (real sockets, real Fastify parsing; no supertest, no inject).
 */

/** A response with its body read once, as text and (when it parses) as JSON. */
export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** The raw body text ('' for an empty body). */
  text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  body: T;
}

export interface RequestOptions {
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded; an array value repeats the parameter. */
  form?: Record<string, string | string[] | undefined>;
  /** A raw body, sent as is (set content-type in `headers`). */
  raw?: string | Buffer;
  /** `Authorization: Bearer <token>`. */
  token?: string;
  /** Query string parameters (undefined values are left out). */
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH' | 'HEAD' | 'OPTIONS';

/** Encodes a form; an array value repeats the parameter (RFC 6749 §3.1 forbids that, tests send it on purpose). */
export function formBody(form: Record<string, string | string[] | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return params.toString();
}

export class HttpClient {
  constructor(readonly baseUrl: string) {}

  /** An absolute URL for `path` ('/x' or 'x'), with the query string appended. */
  url(path: string, query?: RequestOptions['query']): string {
    const url = new URL(path.replace(/^\//, ''), this.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.append(k, String(v));
    return url.toString();
  }

  async request<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = {};
    let body: string | Buffer | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = formBody(options.form);
    } else if (options.raw !== undefined) {
      body = options.raw;
    }
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    Object.assign(headers, options.headers ?? {});
    const response = await fetch(this.url(path, options.query), { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = undefined;
      }
    }
    return { status: response.status, headers: response.headers, text, body: parsed as T };
  }

  get<T = unknown>(path: string, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('GET', path, options);
  }

  post<T = unknown>(path: string, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('POST', path, options);
  }

  delete<T = unknown>(path: string, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('DELETE', path, options);
  }
}

/** A short description of a response for assertion messages. */
export function describeResponse(r: HttpResponse): string {
  return `${r.status} ${r.text.slice(0, 500)}`;
}
