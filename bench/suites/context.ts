import type { BenchRow } from '../lib/report';

/** What every suite gets from `npm run bench`. */
export interface SuiteContext {
  quick: boolean;
  /** Seconds of each measured load run (ours and the ceiling alike). */
  duration: number;
  connections: number;
  /** Interleaved runs of ours and the ceiling per figure; the table shows their medians. */
  runs: number;
  /** Algorithms the delegation suite covers. */
  algs: readonly ('RS256' | 'ES256' | 'EdDSA')[];
  /** Events of the replay/cold-start log and credentials of the memory suite. */
  logEvents: number;
  /** Valid credentials seeded for the delegation suite. */
  credentials: number;
  /** Distinct users those credentials belong to. */
  users: number;
  /** Extra node flags for the service process (e.g. --cpu-prof). */
  serviceNodeArgs: string[];
  /** WORKERS of the measured service (`--workers`; 1: a single process). */
  serviceWorkers: number;
  progress(message: string): void;
}

export type Suite = (context: SuiteContext) => Promise<BenchRow[]>;

export const MB = 1e6;
