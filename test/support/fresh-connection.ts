import { request } from 'node:http';
import type { HttpResponse } from './http-client';

/** One request on its own TCP connection (no keep-alive pool), so the cluster may hand it to any worker. */
export function onFreshConnection(port: number, method: string, path: string, body?: unknown, token?: string): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { connection: 'close' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode!, headers: new Headers(res.headers as Record<string, string>), text, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
