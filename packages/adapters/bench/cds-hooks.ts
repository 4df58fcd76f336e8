import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { startCdsHooksServer, type CdsHooksServerOptions } from '../src/cds-hooks/server.js';

/** Options of {@link runCdsBench}. */
export interface CdsBenchOptions {
  /** The kit to serve (e.g. with the billing plugin); the bench starts its own server on 127.0.0.1. */
  kit: CdsHooksServerOptions['kit'];
  /** Requests in flight at once; default 1000. */
  concurrency?: number;
  /** Requests in total; default 5 × concurrency. */
  requests?: number;
  /** `case-edit` context sent with every call; default a typical case (5 services, 2 diagnoses). */
  context?: Record<string, unknown>;
  /** Service to call; default the first `case-edit` service of the discovery. */
  serviceId?: string;
  /**
   * First open `concurrency` connections with one unmeasured call each (so the figures show steady-state
   * service, not TCP connection storms or the plugin's cold start); default true.
   */
  warmUp?: boolean;
  /** Extra server options (timeouts, token). */
  server?: Partial<Omit<CdsHooksServerOptions, 'kit' | 'host'>>;
}

/** Figures of one bench run. Latencies in ms, measured by the client per request. */
export interface CdsBenchResult {
  serviceId: string;
  requests: number;
  concurrency: number;
  /** Requests answered with a status other than 200, or failed on the socket. */
  errors: number;
  statuses: Record<string, number>;
  durationMs: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Resident memory growth of this process during the run, in MiB. */
  rssGrowthMiB: number;
  /** Duration of the unmeasured warm-up round, in ms (0 without warm-up). */
  warmUpMs: number;
  /** Cards in the first answer (sanity: the calls did real work). */
  cardsPerAnswer: number;
}

/** A typical Notfalldienst case: 5 services, 2 diagnoses (the performance budget's reference case). */
export const typicalCaseEditContext: Record<string, unknown> = {
  case: {
    id: 'bench-1',
    duty: { id: 'd-1', start: '2026-01-09T19:00', end: '2026-01-10T08:00' },
    practice: { bsnr: '529999900', name: 'Notfallpraxis Musterstadt' },
    physician: { lanr: '123456601', name: 'Dr. med. Anna Beispiel' },
    patient: {
      lastName: 'Muster',
      firstName: 'Erika',
      birthDate: '1950-03-01',
      insurance: { type: 'GKV', ik: '108018007', kvnr: 'A123456780' },
    },
    diagnoses: [
      { icd: 'J18.9', certainty: 'G' },
      { icd: 'I10.01', certainty: 'G' },
    ],
    contacts: [{ date: '2026-01-09', time: '21:30', visit: { distanceKm: 3.2 } }],
    services: [
      { gop: '01212', date: '2026-01-09', time: '21:30' },
      { gop: '01224', date: '2026-01-09', time: '21:30' },
      { gop: '01418', date: '2026-01-09', time: '21:30' },
      { gop: '40228', date: '2026-01-09', time: '21:30' },
      { gop: '02100', date: '2026-01-09', time: '21:45' },
    ],
  },
};

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

function call(agent: Agent, url: URL, body: string, token: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Load bench of the CDS Hooks service on 127.0.0.1: keeps `concurrency` `case-edit` calls in flight
 * (each on its own keep-alive connection) until `requests` are answered; reports req/s and latency
 * percentiles. A figure for the issue note, not a test assertion (the machine is shared and noisy).
 */
export async function runCdsBench(options: CdsBenchOptions): Promise<CdsBenchResult> {
  const concurrency = options.concurrency ?? 1000;
  const total = options.requests ?? concurrency * 5;
  // Connections idle while others queue; the server must not drop them mid-bench (keep-alive race).
  const server = await startCdsHooksServer({ keepAliveTimeoutMs: 120_000, ...options.server, kit: options.kit, host: '127.0.0.1', port: 0 });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  try {
    const serviceId = options.serviceId ?? options.kit.services().find((s) => s.hook === 'case-edit')?.id;
    if (serviceId === undefined) throw new Error('runCdsBench: the kit serves no case-edit hook');
    const url = new URL(`/cds-services/${encodeURIComponent(serviceId)}`, server.url);
    const context = options.context ?? typicalCaseEditContext;
    const token = options.server?.token;
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    let errors = 0;
    let next = 0;
    let cardsPerAnswer = -1;
    let warmUpMs = 0;
    if (options.warmUp !== false) {
      const t = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, (_, i) =>
          call(agent, url, JSON.stringify({ hook: 'case-edit', hookInstance: `warm-${i}`, context }), token).catch(() => undefined),
        ),
      );
      warmUpMs = performance.now() - t;
    }
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < total) {
        const n = next++;
        const body = JSON.stringify({ hook: 'case-edit', hookInstance: `bench-${n}`, context });
        const t0 = performance.now();
        try {
          const { status, text } = await call(agent, url, body, token);
          latencies.push(performance.now() - t0);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status !== 200) errors++;
          else if (cardsPerAnswer < 0) cardsPerAnswer = ((JSON.parse(text) as { cards: unknown[] }).cards ?? []).length;
        } catch {
          latencies.push(performance.now() - t0);
          statuses['socket-error'] = (statuses['socket-error'] ?? 0) + 1;
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const durationMs = performance.now() - started;
    latencies.sort((a, b) => a - b);
    const round = (n: number): number => Math.round(n * 100) / 100;
    return {
      serviceId,
      requests: total,
      concurrency,
      errors,
      statuses,
      durationMs: round(durationMs),
      requestsPerSecond: Math.round((total / durationMs) * 1000),
      latencyMs: {
        p50: round(percentile(latencies, 50)),
        p90: round(percentile(latencies, 90)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies[latencies.length - 1] ?? 0),
      },
      rssGrowthMiB: round((process.memoryUsage().rss - rssBefore) / 1024 / 1024),
      warmUpMs: round(warmUpMs),
      cardsPerAnswer: Math.max(0, cardsPerAnswer),
    };
  } finally {
    agent.destroy();
    await server.close();
  }
}
