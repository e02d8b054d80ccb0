// CLI manners (issue 14 §6), run in-process on the real dispatcher: every command's --help goes
// to standard output with exit 0, every command refuses an unknown option and a stray argument
// with exit 2, a busy port is one line, and a demo started again on another port moves its origin.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toBase64, randomBytes } from '../../src/core/bytes.ts';
import { followPort } from '../../src/cli/demo.ts';
import { main } from '../../src/cli/main.ts';
import { generateSignerKey } from '../../src/core/tlog/index.ts';
import { freePort, makeFixture } from '../helpers/fixture.ts';
import { tempDir } from '../helpers/temp.ts';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
afterEach(() => vi.restoreAllMocks());

/** Commands as `relais --help` lists them, with the step that takes options for those that have steps. */
async function commands(): Promise<string[][]> {
  const { stdout } = await run(['--help']);
  const names = [...stdout.matchAll(/^ {2}([a-z-]+) {2}/gm)].map((m) => m[1] as string);
  const steps: Record<string, string> = { config: 'check', audit: 'verify', witness: 'list', cosigner: 'keygen' };
  return names.map((n) => (steps[n] ? [n, steps[n]] : [n]));
}

describe('relais', () => {
  it('prints its usage on standard output with exit 0 for --help, and on standard error with exit 2 without a command', async () => {
    const helped = await run(['--help']);
    expect(helped).toMatchObject({ code: 0, stderr: '' });
    expect(helped.stdout).toContain('relais <command>');
    const bare = await run([]);
    expect(bare).toMatchObject({ code: 2, stdout: '' });
    expect(bare.stderr).toContain('relais <command>');
  });

  it('prints every command’s usage on standard output with exit 0', async () => {
    const list = await commands();
    expect(list.length).toBeGreaterThan(10);
    for (const command of list) {
      const res = await run([...command, '--help']);
      expect(res.code, command.join(' ')).toBe(0);
      expect(res.stdout, command.join(' ')).toMatch(/^relais /);
      expect(res.stderr, command.join(' ')).toBe('');
    }
  });

  it('refuses an unknown option and a stray argument in every command, with exit 2', async () => {
    for (const command of await commands()) {
      const unknown = await run([...command, '--no-such-option']);
      expect(unknown.code, command.join(' ')).toBe(2);
      expect(unknown.stderr, command.join(' ')).toContain("Unknown option '--no-such-option'");
      // clean takes one FILE, init one DIR, check-site one URL, verify-export one folder, witness one
      // step: a second plain argument is one too many.
      const stray = await run([
        ...command,
        ...(['clean', 'init', 'check-site', 'verify-export'].includes(command[0] as string) ? ['a'] : []),
        'stray-argument',
      ]);
      expect(stray.code, command.join(' ')).toBe(2);
      expect(stray.stderr, command.join(' ')).toMatch(/unexpected argument "stray-argument"|unknown (step|command)/);
    }
  });

  it('says in one line, with exit 2, that a staff command’s key file cannot be read', async () => {
    const missing = join(tempDir('relais-nokey-'), 'absent.asc');
    const logKey = join(tempDir('relais-logkey-'), 'log.pub');
    writeFileSync(logKey, generateSignerKey('relais.test/log').verifierKey);
    const server = ['--server', 'http://127.0.0.1:9'];
    const staff: [string[], string[]][] = [
      [['pull'], ['--out', join(tempDir('relais-out-'), 'o')]],
      [['reply'], ['--ref', 'R-AAAA-AAAA-AAAA', '--text', 'x']],
      [['grant'], ['--ref', 'R-AAAA-AAAA-AAAA']],
      [['witness', 'list'], []],
      [['export'], ['--ref', 'R-AAAA-AAAA-AAAA', '--out', join(tempDir('relais-out-'), 'o')]],
      [['stats'], []],
      [
        ['audit', 'verify'],
        ['--state', join(tempDir('relais-state-'), 's.json'), '--log-key', logKey],
      ],
    ];
    for (const [command, extra] of staff) {
      const res = await run([...command, ...server, '--key', missing, ...extra]);
      // (audit verify warns first that no cosigner was given)
      const last = res.stderr.trim().split('\n').at(-1);
      expect([res.code, last], command.join(' ')).toEqual([2, `cannot read the key file ${missing}: ENOENT`]);
    }
  });

  it('says in one line that a port is busy', async () => {
    const fx = await makeFixture();
    const secret = join(fx.dir, 'secret');
    writeFileSync(secret, toBase64(randomBytes(32)));
    const port = await freePort();
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    try {
      const res = await run([
        'serve',
        '--config',
        fx.configPath,
        '--db',
        join(fx.dir, 'x.db'),
        '--secret-file',
        secret,
        '--port',
        String(port),
      ]);
      expect(res.code).toBe(1);
      const lines = res.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('WARNING: no log signer key'));
      expect(lines).toEqual([`error: port ${port} on 127.0.0.1 is already in use: stop what listens there or choose another --port`]);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });
});

describe('relais demo', () => {
  it('moves the demo’s origin to the port it is started on, so staff logins keep working', () => {
    const path = join(tempDir('relais-demo-'), 'relais.config.json');
    writeFileSync(path, JSON.stringify({ site: { origin: 'http://localhost:8787' }, log: { origin: 'localhost:8787/relais-demo-log' } }));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    followPort(path, 9141);
    const config = JSON.parse(readFileSync(path, 'utf8'));
    expect(config.site.origin).toBe('http://localhost:9141');
    expect(config.log.origin).toBe('localhost:8787/relais-demo-log');
  });
});
