import type { HarnessReport } from './run.js';

/** A readable plain-text report: one line per scenario, reasons under failed ones, a summary line. */
export function formatReport(report: HarnessReport): string {
  const lines = [`pvskit harness: ${report.results.length} scenarios against ${report.target}`, ''];
  for (const r of report.results) {
    lines.push(`  ${r.passed ? 'PASS' : 'FAIL'}  ${r.scenario.file}  ${r.scenario.name}`);
    for (const f of r.failures) lines.push(`          - ${f}`);
    if (!r.passed && r.scenario.source !== undefined) lines.push(`          source: ${r.scenario.source}`);
  }
  lines.push('', `${report.passed} passed, ${report.failed} failed (${(report.durationMs / 1000).toFixed(2)} s)`, '');
  return lines.join('\n');
}

/** Drops characters XML 1.0 cannot carry (C0 controls other than tab, newline, carriage return). */
function xmlChars(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) out += ch;
  }
  return out;
}

function xml(text: string): string {
  return xmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** JUnit XML (the common Jenkins/GitLab dialect): one suite per run, one test case per scenario. */
export function junitXml(report: HarnessReport): string {
  const seconds = (ms: number): string => (ms / 1000).toFixed(3);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="pvskit harness" tests="${report.results.length}" failures="${report.failed}" time="${seconds(report.durationMs)}">`,
    `  <testsuite name="${xml(report.target)}" tests="${report.results.length}" failures="${report.failed}" errors="0" skipped="0" time="${seconds(report.durationMs)}">`,
  ];
  for (const r of report.results) {
    const open = `    <testcase classname="${xml(r.scenario.group)}" name="${xml(`${r.scenario.file}: ${r.scenario.name}`)}" time="${seconds(r.durationMs)}"`;
    if (r.passed) {
      out.push(`${open}/>`);
    } else {
      out.push(`${open}>`);
      out.push(`      <failure message="${xml(r.failures[0] ?? 'failed')}" type="expectation">${xml(r.failures.join('\n'))}</failure>`);
      out.push('    </testcase>');
    }
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}
