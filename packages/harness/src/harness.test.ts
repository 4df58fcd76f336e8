import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Card } from '@pvskit/core';
import { describe, expect, it } from 'vitest';
import { applyFixes, fixesOf } from './fixes.js';
import { formatReport, junitXml } from './report.js';
import { compareFindings, compareServices, runHarness } from './run.js';
import { defaultScenariosDir, loadScenarios, parseScenarios, type Scenario } from './scenario.js';
import { inProcessTarget, type HarnessTarget } from './targets.js';

const card = (ruleId: string, indicator: Card['indicator'], extra: Partial<Card> = {}): Card => ({
  summary: `${ruleId} fired`,
  indicator,
  source: { label: 'Test' },
  ruleId,
  ...extra,
});

describe('scenario files', () => {
  it('ships the KVBW worked examples and the near-misses, all valid', async () => {
    const scenarios = await loadScenarios(defaultScenariosDir);
    const groups = new Map<string, number>();
    for (const s of scenarios) groups.set(s.group, (groups.get(s.group) ?? 0) + 1);
    expect(groups.get('kvbw-fallbeispiele')).toBe(8);
    expect(groups.get('near-misses')).toBeGreaterThanOrEqual(15);
    for (const s of scenarios.filter((x) => x.group === 'kvbw-fallbeispiele')) {
      expect(s.expect.services?.length).toBeGreaterThan(0);
      expect(s.expect.noErrors).toBe(true);
    }
  });

  it('refuses an unknown field naming file and path', () => {
    expect(() => parseScenarios({ name: 'x', context: {}, expect: { findigns: [] } }, 'a/b.json')).toThrow(/a\/b\.json is invalid at \$\.expect\.findigns/);
    expect(() => parseScenarios([{ name: 'ok', context: {}, expect: {} }, { name: 'x', expect: {} }], 'c.json')).toThrow(/\$\[1\]\.context/);
  });

  it('reads nested directories in name order and arrays of scenarios', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pvskit-harness-'));
    try {
      await writeFile(join(dir, 'b.json'), JSON.stringify([{ name: 'b1', context: {}, expect: {} }, { name: 'b2', context: {}, expect: {} }]));
      await writeFile(join(dir, 'a.json'), JSON.stringify({ name: 'a', context: {}, expect: {} }));
      await writeFile(join(dir, 'notes.txt'), 'ignored');
      expect((await loadScenarios(dir)).map((s) => `${s.file}:${s.name}`)).toEqual(['a.json:a', 'b.json:b1', 'b.json:b2']);
      await writeFile(join(dir, 'c.json'), '{ nope');
      await expect(loadScenarios(dir)).rejects.toMatchObject({ code: 'INPUT_UNREADABLE' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('fixes', () => {
  const services = [
    { gop: '01210', date: '2026-01-08', time: '06:59' },
    { gop: '40192', date: '2026-01-11', count: 1 },
    { gop: '02300', date: '2026-01-10' },
  ];

  it('applies replace, set-count, remove and add against the original indices', () => {
    const out = applyFixes(services, [
      { op: 'replace', service: 0, gop: '01212' },
      { op: 'set-count', service: 1, count: 2 },
      { op: 'remove', service: 2 },
      { op: 'add', gop: '01226', date: '2026-01-08', time: '06:59' },
    ]);
    expect(out).toEqual([
      { gop: '01212', date: '2026-01-08', time: '06:59' },
      { gop: '40192', date: '2026-01-11', count: 2 },
      { gop: '01226', date: '2026-01-08', time: '06:59' },
    ]);
    expect(services[0]?.gop).toBe('01210');
  });

  it('takes the recommended suggestion, else the first with a fix', () => {
    const c = card('X', 'critical', {
      suggestions: [
        { label: 'a', actions: [{ type: 'delete', description: 'a', fix: { op: 'remove', service: 0 } }] },
        { label: 'b', isRecommended: true, actions: [{ type: 'update', description: 'b', fix: { op: 'replace', service: 0, gop: '01212' } }] },
      ],
    });
    expect(fixesOf(c)).toEqual([{ op: 'replace', service: 0, gop: '01212' }]);
    expect(fixesOf(card('Y', 'info'))).toEqual([]);
  });
});

describe('expectations', () => {
  it('compares services as a multiset with count, date and time', () => {
    const expected = [
      { gop: '01212', count: 1, time: '20:30' },
      { gop: '40192', count: 2 },
    ];
    expect(compareServices(expected, [{ gop: '40192', date: 'd', count: 2 }, { gop: '01212', date: 'd', time: '20:30' }])).toEqual([]);
    const wrong = compareServices(expected, [{ gop: '40192', date: 'd' }, { gop: '01212', date: 'd', time: '20:30' }, { gop: '01214', date: 'd' }]);
    expect(wrong[0]).toBe('missing service(s): 40192×2');
    expect(wrong[1]).toBe('unexpected service(s): 40192 d, 01214 d');
  });

  it('checks expected, absent and error findings, and flags plugin failures', () => {
    const findings = [
      { rule: 'NFD-TIME-BAND', severity: 'error' as const, summary: 's' },
      { rule: 'NFD-TIME-BOUNDARY', severity: 'info' as const, summary: 's' },
    ];
    expect(compareFindings({ findings: [{ rule: 'NFD-TIME-BAND', severity: 'error' }], absent: ['NFD-TRAVEL-WRONG'] }, findings)).toEqual([]);
    expect(compareFindings({ findings: [{ rule: 'NFD-TIME-BAND', severity: 'warning' }] }, findings)[0]).toMatch(/^expected finding NFD-TIME-BAND \(warning\)/);
    expect(compareFindings({ absent: ['NFD-TIME-BOUNDARY'] }, findings)[0]).toMatch(/must not be reported/);
    expect(compareFindings({ noErrors: true }, findings)[0]).toMatch(/expected no error finding/);
    expect(compareFindings({}, [{ rule: 'PLUGIN-TIMEOUT', severity: 'warning', summary: 'Plugin hängt' }])).toEqual(['plugin failed: Plugin hängt']);
  });
});

describe('runHarness and reports', () => {
  const scenario = (name: string, expectation: Scenario['expect']): Scenario => ({
    name,
    hook: 'case-edit',
    context: { case: { services: [{ gop: '01210', date: '2026-01-08', time: '06:59' }] } },
    expect: expectation,
    file: `g/${name}.json`,
    group: 'g',
  });
  const fake: HarnessTarget = {
    name: 'fake <target> & "co"',
    call: () =>
      Promise.resolve([
        card('NFD-TIME-BAND', 'critical', {
          suggestions: [{ label: 'ersetzen', actions: [{ type: 'update', description: 'x', fix: { op: 'replace', service: 0, gop: '01212' } }] }],
        }),
      ]),
    completedServices: () => Promise.resolve([{ gop: '01212', date: '2026-01-08', time: '06:59' }]),
  };

  it('reports passes and failures with reasons, as text and JUnit XML', async () => {
    const progress: string[] = [];
    const report = await runHarness(
      fake,
      [
        scenario('pass', { findings: [{ rule: 'NFD-TIME-BAND', severity: 'error' }], services: [{ gop: '01212', count: 1 }] }),
        scenario('fail', { noErrors: true, services: [{ gop: '01210', count: 1 }] }),
      ],
      { onProgress: (done, total, r) => progress.push(`${done}/${total} ${r.scenario.name}`) },
    );
    expect(progress).toEqual(['1/2 pass', '2/2 fail']);
    expect([report.passed, report.failed]).toEqual([1, 1]);
    expect(report.results[1]?.failures).toEqual([
      'expected no error finding; got NFD-TIME-BAND (error): NFD-TIME-BAND fired',
      'missing service(s): 01210',
      'unexpected service(s): 01212 2026-01-08 06:59',
      'services were: 01212 2026-01-08 06:59',
    ]);
    const text = formatReport(report);
    expect(text).toContain('PASS  g/pass.json  pass');
    expect(text).toContain('FAIL  g/fail.json  fail');
    expect(text).toContain('1 passed, 1 failed');
    const xml = junitXml(report);
    expect(xml).toContain('<testsuites name="pvskit harness" tests="2" failures="1"');
    expect(xml).toContain('name="fake &lt;target&gt; &amp; &quot;co&quot;"');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml.match(/<failure /g)).toHaveLength(1);
  });

  it('turns a target error into a failed scenario, not a crash', async () => {
    let calls = 0;
    const broken: HarnessTarget = {
      ...fake,
      call: () => {
        calls++;
        return Promise.reject(new Error('HTTP 500'));
      },
    };
    const report = await runHarness(broken, [scenario('x', {})]);
    expect(report.results[0]?.failures).toEqual(['error: HTTP 500']);
    expect(calls).toBe(2); // the unjudged warm-up call, then the scenario
    calls = 0;
    await runHarness(broken, [scenario('x', {})], { warmUp: false });
    expect(calls).toBe(1);
  });
});

describe('default scenarios in-process', () => {
  it('pass against the billing plugin and engine', async () => {
    const report = await runHarness(inProcessTarget(), await loadScenarios(defaultScenariosDir));
    expect(formatReport(report)).toContain(`${report.results.length} passed, 0 failed`);
  });
});
