import autocannon from 'autocannon';
import { rssOf } from '../service-process';
import { cpuSecondsOf } from './machine';
import type { Figure } from './report';

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  headers?: Record<string, string>;
  /** A fresh body per request (rotating over tokens or users). */
  body: () => string;
  /** Sampled every 250 ms while loading, for the peak RSS under load. */
  pid?: number;
  /** Status every answer must have (default 200); others are counted as failures. */
  expectStatus?: number;
}

export interface LoadResult extends Figure {
  /** Mean requests/s over the run. */
  value: number;
  p50: number;
  p99: number;
  total: number;
  /** Answers with another status, plus connection errors and timeouts. */
  failures: number;
  /** Peak RSS of `pid` during the run, bytes. */
  peakRss?: number;
  /**
   * CPU time `pid` spent per answer, µs: on a shared machine the rate falls
   * with the neighbours' load, but the work each answer costs much less so.
   */
  cpuPerAnswerUs?: number;
}

/**
 * autocannon from this process, POST with a JSON body built per request, as
 * the issue prescribes (50 connections, same duration for ours and the ceiling).
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const expected = options.expectStatus ?? 200;
  let unexpected = 0;
  let peakRss: number | undefined;
  const sampler = setInterval(() => {
    const rss = rssOf(options.pid);
    if (rss !== undefined && (peakRss === undefined || rss > peakRss)) peakRss = rss;
  }, 250);
  const cpuBefore = cpuSecondsOf(options.pid);
  try {
    let finish!: (result: autocannon.Result) => void;
    let fail!: (error: unknown) => void;
    const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.duration,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...options.headers },
            setupRequest: (request) => ({ ...request, body: options.body() }),
          },
        ],
      },
      (error, result) => (error ? fail(error) : finish(result)),
    );
    instance.on('response', (_client, statusCode) => {
      if (statusCode !== expected) unexpected++;
    });
    const result = await done;
    const cpuAfter = cpuSecondsOf(options.pid);
    const answers = result.requests.total;
    return {
      ...(cpuBefore !== undefined && cpuAfter !== undefined && answers > 0 && { cpuPerAnswerUs: ((cpuAfter - cpuBefore) * 1e6) / answers }),
      value: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      total: result.requests.total,
      failures: unexpected + result.errors + result.timeouts,
      peakRss,
    };
  } finally {
    clearInterval(sampler);
  }
}
