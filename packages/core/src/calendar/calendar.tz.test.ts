/**
 * Runs calendar.test.ts once more in a child process whose machine zone is America/New_York: every
 * calendar function must give German local answers whatever the host's TZ is. `process.env.TZ` cannot be
 * changed reliably inside a running Node process, hence the child.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const vitestCli = fileURLToPath(new URL('../../../../node_modules/vitest/vitest.mjs', import.meta.url));

// Built from a string: a regex literal with the ESC control character trips no-control-regex.
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function runChild(): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = {};
  // The parent's VITEST_* variables would make the child think it is a worker of this run.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  env['TZ'] = 'America/New_York';
  env['PVSKIT_TZ_CHILD'] = '1';
  env['NO_COLOR'] = '1';
  delete env['FORCE_COLOR'];
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [vitestCli, 'run', 'packages/core/src/calendar/calendar.test.ts', '--reporter=verbose'],
      { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // Strip colour codes, whatever the inherited FORCE_COLOR says.
      resolve({ code, output: output.replace(ANSI_COLOUR, '') });
    });
  });
}

// The child sets PVSKIT_TZ_CHILD; guard anyway so a run with it set never recurses.
if (process.env['PVSKIT_TZ_CHILD'] === undefined) {
  describe('calendar under TZ=America/New_York', () => {
    it('passes calendar.test.ts in a child process with a non-German machine zone', { timeout: 180_000 }, async () => {
      const { code, output } = await runChild();
      expect(output, output).toMatch(/runs in America\/New_York/);
      expect(output).toMatch(/Tests\s+\d+ passed/);
      expect(output).not.toMatch(/failed/i);
      expect(code, output).toBe(0);
    });
  });
}
