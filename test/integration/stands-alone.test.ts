import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * A user clones only this repository: no tracked file may point at material beside it (the reference folder the
 * project was started from). The patterns are the ways such a reference has been written before.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const OUTSIDE = [
  /\.\.\/shared\/(?!api\.js)/,
  /(^|[^a-z/])shared\/(spec|seeds|fixtures|DESIGN)/,
  /seeds\/0\d\d_[0-9a-f]+\.txt/,
  /(^|[\s(`'"])spec\/(notfalldienst|video|kvdt|contract)\.md/,
  /DESIGN\.md/,
];

function trackedTextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' });
  return out
    .split('\0')
    .filter((f) => f !== '' && !f.startsWith('docs/api/') && f !== 'package-lock.json' && !/\.(con|png|jpg|ico)$/.test(f));
}

describe('the repository stands alone', () => {
  it('no tracked file refers to material outside the repository', () => {
    const self = 'test/integration/stands-alone.test.ts';
    const hits: string[] = [];
    for (const file of trackedTextFiles()) {
      if (file === self) continue;
      let text: string;
      try {
        text = readFileSync(join(root, file), 'utf8');
      } catch {
        continue; // deleted in the work tree
      }
      text.split('\n').forEach((line, i) => {
        if (OUTSIDE.some((re) => re.test(line))) hits.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('the patterns catch the ways such a reference was written', () => {
    for (const line of ['see ../shared/spec/video.md', 'Source: seeds/000_90ab1fdb224c17e1.txt', 'rules of spec/notfalldienst.md', 'see DESIGN.md']) {
      expect(OUTSIDE.some((re) => re.test(line)), line).toBe(true);
    }
    expect(OUTSIDE.some((re) => re.test("import type { X } from '../../shared/api.js';"))).toBe(false);
  });
});
