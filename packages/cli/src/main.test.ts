import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { memoryIo } from '../test/memory-io.js';

describe('pvskit main', () => {
  it('prints help and exits 0 on --help, 2 without a verb', async () => {
    const io = memoryIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toContain('pvskit schema');
    const io2 = memoryIo();
    expect(await main([], io2)).toBe(2);
    expect(io2.err()).toContain('Usage');
  });

  it('refuses an unknown verb with exit 2, one stderr line and {"error":…} on stdout', async () => {
    const io = memoryIo();
    expect(await main(['chekc'], io)).toBe(2);
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.err()).toContain('unknown command "chekc"');
    expect(JSON.parse(io.out())).toMatchObject({ error: { code: 'INPUT_UNREADABLE' } });
  });

  it('schema prints JSON Schema for case, bundle and finding', async () => {
    for (const name of ['case', 'bundle', 'finding']) {
      const io = memoryIo();
      expect(await main(['schema', name], io)).toBe(0);
      const schema = JSON.parse(io.out()) as Record<string, unknown>;
      expect(schema['$schema']).toContain('2020-12');
    }
  });

  it('schema refuses an unknown name with exit 2', async () => {
    const io = memoryIo();
    expect(await main(['schema', 'cases'], io)).toBe(2);
    expect(io.err()).toContain('unknown schema "cases"');
  });
});
