// `npm run bench:http`: the CDS Hooks service measured from outside. Two servers run as child processes —
// `pvskit serve` (its `case-edit` endpoint, the production handler with the billing plugin) and a bare
// `node:http` server that answers every request with a fixed 1 KB JSON — and autocannon, in this process,
// loads each in turn at 1, 16 and 64 connections. Figures are ratios against the bare server measured in
// the same run, because the machines are shared and noisy.
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const { fetch } = globalThis;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = `bench-${randomUUID()}`;
const CONNECTIONS = [1, 16, 64];

// Answers like a JSON API without any work: the floor for this machine's HTTP stack.
const BARE_SERVER = `
const body = JSON.stringify({ cards: [{ summary: 'x'.repeat(1000) }] });
const server = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body));
});
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
`;

/** Starts a child process and resolves with the first http:// URL it prints. */
function startServer(args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`server did not start within 60 s: ${args.join(' ')}\n${err}`)), 60_000);
    const fail = (e) => {
      clearTimeout(timer);
      child.kill();
      reject(e);
    };
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const url = /http:\/\/[^\s)]+/.exec(out)?.[0];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({ url: url.replace(/\/+$/, ''), child });
      }
    });
    child.stderr.on('data', (chunk) => (err += chunk));
    child.once('exit', (code) => fail(new Error(`server exited (${code}) before listening: ${args.join(' ')}\n${err}`)));
  });
}

async function stopServer({ child }) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

function load(url, body, connections, seconds, headers) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, method: 'POST', body, connections, duration: seconds, headers: { 'content-type': 'application/json', ...headers } },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

const figures = (r) => ({
  requestsPerSecond: Math.round(r.requests.average),
  p50: r.latency.p50,
  p99: r.latency.p99,
  errors: r.errors + r.timeouts + r.non2xx,
});

/** Runs the comparison; returns one row per connection count. */
export async function runHttpBench({ seconds = 5 } = {}) {
  const cwd = await mkdtemp(join(tmpdir(), 'pvskit-bench-http-'));
  const context = { case: JSON.parse(await readFile(join(root, 'test/fixtures/contract/case.json'), 'utf8')) };
  const bare = await startServer(['-e', BARE_SERVER], { cwd });
  let pvskit;
  try {
    pvskit = await startServer([join(root, 'packages/cli/bin/pvskit.mjs'), 'serve', '--port', '0'], {
      cwd,
      env: { ...process.env, PVSKIT_CDS_TOKEN: TOKEN },
    });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const discovery = await (await fetch(`${pvskit.url}/cds-services`, { headers: auth })).json();
    const service = discovery.services.find((s) => s.hook === 'case-edit');
    if (service === undefined) throw new Error('pvskit serve offers no case-edit service');
    const endpoint = `${pvskit.url}/cds-services/${encodeURIComponent(service.id)}`;
    const body = JSON.stringify({ hook: 'case-edit', hookInstance: randomUUID(), context });
    const check = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body });
    const answer = await check.json();
    if (check.status !== 200 || !Array.isArray(answer.cards)) throw new Error(`case-edit answered ${check.status}: ${JSON.stringify(answer)}`);
    // Warm both (JIT, connection setup) before anything is measured.
    await load(bare.url, body, 16, 1, {});
    await load(endpoint, body, 16, 1, auth);
    const rows = [];
    for (const connections of CONNECTIONS) {
      const base = figures(await load(bare.url, body, connections, seconds, {}));
      const service = figures(await load(endpoint, body, connections, seconds, auth));
      rows.push({
        connections,
        bare: base,
        pvskit: service,
        throughputRatio: Number((service.requestsPerSecond / base.requestsPerSecond).toFixed(2)),
      });
    }
    return { serviceId: service.id, cardsPerAnswer: answer.cards.length, seconds, rows };
  } finally {
    if (pvskit !== undefined) await stopServer(pvskit);
    await stopServer(bare);
    await rm(cwd, { recursive: true, force: true });
  }
}

export function formatHttpBench(result) {
  const lines = [
    `CDS Hooks case-edit via pvskit serve (service ${result.serviceId}, ${result.cardsPerAnswer} cards per answer) vs bare node:http 1 KB JSON; autocannon, ${result.seconds} s per point`,
    '| connections | bare req/s | bare p50 / p99 ms | pvskit req/s | pvskit p50 / p99 ms | ratio | errors |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of result.rows) {
    lines.push(
      `| ${r.connections} | ${r.bare.requestsPerSecond} | ${r.bare.p50} / ${r.bare.p99} | ${r.pvskit.requestsPerSecond} | ${r.pvskit.p50} / ${r.pvskit.p99} | ${r.throughputRatio}× | ${r.bare.errors + r.pvskit.errors} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 5);
  const result = await runHttpBench({ seconds });
  console.log(formatHttpBench(result));
}
