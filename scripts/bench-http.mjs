// `npm run bench:http`: the CDS Hooks service measured from outside. Two servers run as child processes —
// `pvskit serve` (its `case-edit` endpoint, the production handler with the billing plugin) and a bare
// `node:http` server that answers every request with a fixed 1 KB JSON — and autocannon, in this process,
// loads each in turn at 1, 16 and 64 connections. Figures are ratios against the bare server measured in
// the same run, because the machines are shared and noisy; each server's CPU time per request (from
// /proc) is reported beside them, which other processes on the machine disturb less than req/s.
//
// Where the time goes: at 16 connections three more servers fill the gap between bare and pvskit serve, each
// writing its answers like pvskit serve does (those of one event-loop turn together at its end): `json` reads
// the same request body, parses it and answers pvskit's real answer (JSON work of the same bytes), `plugin`
// also calls the billing plugin's case-edit handler directly (core's parse of the case, the rules, the cards),
// `kit` calls it through kit.relayHook instead (context validation and freezing, the plugin's time budget, card
// checks and ids, the card memory) without the service around it (token, routing, limits, body checks,
// envelope, errors).
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

/**
 * A server for the ladder: reads the body, `answer(call)` gives the cards, written as pvskit serve writes them
 * (the answers of one event-loop turn together at its end). `setup` is the module code before it.
 */
const ladderServer = (setup, answer) => `
${setup}
import { createServer } from 'node:http';
let pending = [];
const flush = () => {
  const writes = pending;
  pending = [];
  for (let i = 0; i < writes.length; i += 2) writes[i].end(writes[i + 1]);
};
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const call = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const body = JSON.stringify({ cards: await (${answer})(call) });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    if (pending.length === 0) setImmediate(flush);
    pending.push(res, body);
  });
});
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
`;

/** Answers pvskit's answer (ANSWER, a file): the JSON work of a call without the check. */
const JSON_SERVER = ladderServer(
  `import { readFileSync } from 'node:fs';
const cards = JSON.parse(readFileSync(process.env.ANSWER, 'utf8')).cards;`,
  '(call) => (call.context === undefined ? [] : cards)',
);

/** The billing plugin's case-edit handler called directly on core's parse of the case: no kit, no service. */
const pluginServer = (core, billing) =>
  ladderServer(
    `import { parseCaseOrBundle } from ${JSON.stringify(core)};
import { billingPlugin } from ${JSON.stringify(billing)};
const handler = billingPlugin().hooks['case-edit'];
const logger = { debug() {}, info() {}, warn() {}, error() {} };
const info = { hook: 'case-edit', hookInstance: 'bench', signal: new AbortController().signal, logger };`,
    `(call) => {
  const parsed = parseCaseOrBundle(call.context.case);
  const out = handler({ case: parsed.case }, { ...info, hookInstance: call.hookInstance });
  return Array.isArray(out) ? out : out.cards;
}`,
  );

/** The check through the kit: kit.relayHook with the billing plugin, no service layer around it. */
const kitServer = (core, billing) =>
  ladderServer(
    `import { createPvsKit } from ${JSON.stringify(core)};
import { billingPlugin } from ${JSON.stringify(billing)};
const kit = createPvsKit({ plugins: [billingPlugin()] });`,
    `async (call) => (await kit.relayHook('case-edit', call.context, { hookInstance: call.hookInstance, pluginIds: ['pvskit-billing'] })).cards`,
  );

/** CPU seconds (user + system) a process has used so far; undefined where /proc is missing. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

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

/** Loads `server` from this process; adds the server's CPU time per answered request. */
async function load(server, url, body, connections, seconds, headers) {
  const cpuBefore = cpuSeconds(server.child.pid);
  const r = await new Promise((resolve, reject) => {
    autocannon(
      { url, method: 'POST', body, connections, duration: seconds, headers: { 'content-type': 'application/json', ...headers } },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  const cpuAfter = cpuSeconds(server.child.pid);
  return {
    requestsPerSecond: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    cpuMicrosecondsPerRequest:
      cpuBefore === undefined || cpuAfter === undefined || r.requests.total === 0 ? undefined : Math.round(((cpuAfter - cpuBefore) * 1e6) / r.requests.total),
  };
}

/** Runs the comparison; returns one row per connection count. */
export async function runHttpBench({ seconds = 5 } = {}) {
  const cwd = await mkdtemp(join(tmpdir(), 'pvskit-bench-http-'));
  const context = { case: JSON.parse(await readFile(join(root, 'test/fixtures/contract/case.json'), 'utf8')) };
  const bare = await startServer(['-e', BARE_SERVER], { cwd });
  let pvskit;
  let json;
  let plugin;
  let kit;
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
    const answerFile = join(cwd, 'answer.json');
    await writeFile(answerFile, JSON.stringify(answer));
    json = await startServer(['--input-type=module', '-e', JSON_SERVER], { cwd, env: { ...process.env, ANSWER: answerFile } });
    const dist = (path) => pathToFileURL(join(root, path)).href;
    const [core, billing] = [dist('packages/core/dist/index.js'), dist('packages/billing/dist/index.js')];
    plugin = await startServer(['--input-type=module', '-e', pluginServer(core, billing)], { cwd });
    kit = await startServer(['--input-type=module', '-e', kitServer(core, billing)], { cwd });
    // Warm all (JIT, connection setup) before anything is measured.
    for (const [server, url, headers] of [[bare, bare.url, {}], [json, json.url, {}], [plugin, plugin.url, {}], [kit, kit.url, {}], [pvskit, endpoint, auth]]) {
      await load(server, url, body, 16, 1, headers);
    }
    const rows = [];
    for (const connections of CONNECTIONS) {
      const base = await load(bare, bare.url, body, connections, seconds, {});
      const service = await load(pvskit, endpoint, body, connections, seconds, auth);
      rows.push({
        connections,
        bare: base,
        pvskit: service,
        throughputRatio: Number((service.requestsPerSecond / base.requestsPerSecond).toFixed(2)),
      });
    }
    const at16 = rows.find((r) => r.connections === 16);
    const ladder = [
      { step: 'bare node:http, 1 KB JSON answer', ...at16.bare },
      { step: '+ reading and parsing the request, serialising the real answer; answers of a turn written together', ...(await load(json, json.url, body, 16, seconds, {})) },
      { step: '+ the billing plugin called directly (core parse of the case, rules, cards)', ...(await load(plugin, plugin.url, body, 16, seconds, {})) },
      { step: '+ the kit around it: kit.relayHook (context validation and freezing, time budget, card checks and ids, card memory)', ...(await load(kit, kit.url, body, 16, seconds, {})) },
      { step: '+ the service: pvskit serve (token, routing, limits, body checks, envelope, errors)', ...at16.pvskit },
    ];
    return { serviceId: service.id, cardsPerAnswer: answer.cards.length, seconds, rows, ladder };
  } finally {
    for (const server of [pvskit, kit, plugin, json]) if (server !== undefined) await stopServer(server);
    await stopServer(bare);
    await rm(cwd, { recursive: true, force: true });
  }
}

const cpu = (figures) => (figures.cpuMicrosecondsPerRequest === undefined ? '' : ` (${figures.cpuMicrosecondsPerRequest})`);

export function formatHttpBench(result) {
  const lines = [
    `CDS Hooks case-edit via pvskit serve (service ${result.serviceId}, ${result.cardsPerAnswer} cards per answer) vs bare node:http 1 KB JSON; autocannon, ${result.seconds} s per point; (server CPU µs per request)`,
    '| connections | bare req/s (CPU µs) | bare p50 / p99 ms | pvskit req/s (CPU µs) | pvskit p50 / p99 ms | ratio | errors |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of result.rows) {
    lines.push(
      `| ${r.connections} | ${r.bare.requestsPerSecond}${cpu(r.bare)} | ${r.bare.p50} / ${r.bare.p99} | ${r.pvskit.requestsPerSecond}${cpu(r.pvskit)} | ${r.pvskit.p50} / ${r.pvskit.p99} | ${r.throughputRatio}× | ${r.bare.errors + r.pvskit.errors} |`,
    );
  }
  lines.push('', 'Where the time goes, 16 connections:', '| server | req/s | server CPU µs per request | p50 / p99 ms | errors |', '|---|---|---|---|---|');
  for (const step of result.ladder) {
    lines.push(`| ${step.step} | ${step.requestsPerSecond} | ${step.cpuMicrosecondsPerRequest ?? '?'} | ${step.p50} / ${step.p99} | ${step.errors} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 5);
  const result = await runHttpBench({ seconds });
  console.log(formatHttpBench(result));
}
