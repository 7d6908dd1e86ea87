import { rssOf } from '../service-process';
import type { LoadResult } from './load';
import { cpuSecondsOf } from './machine';

export interface FamilyLoadOptions {
  url: string;
  /** Seconds. */
  duration: number;
  /** One worker per family, each with one request in flight at a time (as one app holding one refresh token). */
  families: string[];
  /** The request body for a family's current token. */
  body: (token: string) => string;
  /** The token the answer gives the family next, or undefined to keep the one it has. */
  next: (status: number, answer: string) => string | undefined;
  pid?: number;
}

/**
 * A closed-loop load where each request depends on the previous answer of
 * its worker: the rotating refresh grant, whose every answer carries the
 * token the next request must present. autocannon builds a connection's next
 * request before it reads the answer, so its per-request context cannot carry
 * that; this loop can. One keep-alive connection per worker (Node's fetch).
 * `families` is updated in place with each family's latest token.
 */
export async function familyLoad(options: FamilyLoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let peakRss: number | undefined;
  const sampler = setInterval(() => {
    const rss = rssOf(options.pid);
    if (rss !== undefined && (peakRss === undefined || rss > peakRss)) peakRss = rss;
  }, 250);
  const cpuBefore = cpuSecondsOf(options.pid);
  const started = performance.now();
  const deadline = started + options.duration * 1000;
  const worker = async (family: number): Promise<void> => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const response = await fetch(options.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: options.body(options.families[family]) });
        const answer = await response.text();
        latencies.push(performance.now() - sent);
        const next = options.next(response.status, answer);
        if (next === undefined) failures++;
        else options.families[family] = next;
      } catch {
        failures++;
      }
    }
  };
  try {
    await Promise.all(options.families.map((_, i) => worker(i)));
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuSecondsOf(options.pid);
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => (latencies.length === 0 ? 0 : Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 2) / 2);
  const total = latencies.length;
  return {
    ...(cpuBefore !== undefined && cpuAfter !== undefined && total > 0 && { cpuPerAnswerUs: ((cpuAfter - cpuBefore) * 1e6) / total }),
    value: total / seconds,
    p50: at(0.5),
    p99: at(0.99),
    total,
    failures,
    peakRss,
  };
}
