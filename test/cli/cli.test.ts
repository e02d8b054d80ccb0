// The `relais` command end to end, with GnuPG and Sequoia as the independent readers: a report
// filed with `relais submit`, pulled sealed by an officer whose key was made by GnuPG and decrypted
// by `gpg --decrypt` and by `sq decrypt` with a city member's key made by Sequoia; and pulled
// decrypted by an officer whose key was made by `relais keygen`.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../../src/core/envelope.ts';
import { makeFixture, startTestServer, type TestServer } from '../helpers/fixture.ts';
import { Gpg } from '../helpers/gpg.ts';
import { relais } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';

const work = tempDir('relais-cli-');
const gpg = new Gpg();
let gpgKey: { fingerprint: string; privateKey: string };
let server: TestServer;
const passFile = join(work, 'pass');

beforeAll(async () => {
  writeFileSync(passFile, 'officer pass phrase\n');
  // officer-a: a GnuPG 2.2 key (ed25519 + cv25519, future-default)
  gpgKey = gpg.generateKey('Police — liaison GnuPG', 'officer pass phrase');
  // officer-b: a key made by `relais keygen`
  const made = await relais(['keygen', '--name', 'Police — liaison 2', '--out', join(work, 'officer-b'), '--passphrase-file', passFile]);
  expect(made.code).toBe(0);
  const fx = await makeFixture();
  writeFileSync(join(fx.dir, 'keys', 'officer-a.asc'), gpg.run(['--armor', '--export', gpgKey.fingerprint]).toString());
  writeFileSync(join(fx.dir, 'keys', 'officer-b.asc'), readFileSync(join(work, 'officer-b.pub.asc')));
  writeFileSync(join(work, 'officer-a.key.asc'), gpgKey.privateKey);
  // city-c: a key made by Sequoia (sq 0.27, its default cv25519 suite), the third implementation
  execFileSync('sq', ['key', 'generate', '--userid', 'Mairie — prévention (Sequoia)', '--export', join(work, 'city-c.key.pgp')]);
  writeFileSync(join(fx.dir, 'keys', 'city-c.asc'), execFileSync('sq', ['key', 'extract-cert', join(work, 'city-c.key.pgp')]));
  server = await startTestServer(fx);
});
afterAll(async () => server?.close());

describe('relais CLI', () => {
  it('checks a config and names the problem when a key is wrong', async () => {
    const ok = await relais(['config', 'check', '--config', server.fixture.configPath]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain(`hash ${server.config.hash}`);
    const bad = await makeFixture();
    writeFileSync(join(bad.dir, 'keys', 'city-c.asc'), 'not a key');
    const refused = await relais(['config', 'check', '--config', bad.configPath]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('keys/city-c.asc: inboxes.1.members.0.key: not a readable OpenPGP public key');
  });

  it('files a report with submit, which a GnuPG user pulls sealed and decrypts with gpg', async () => {
    const submitted = await relais([
      'submit',
      '--server',
      server.url,
      '--category',
      'armes',
      '--text',
      'Un pistolet caché dans la cave du bâtiment D',
    ]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const ref = submitted.stdout.split('\n')[0]!;
    expect(ref).toMatch(/^R-[0-9A-Z-]{14}$/);

    const out = join(work, 'pull-sealed');
    const pulled = await relais([
      'pull',
      '--server',
      server.url,
      '--key',
      join(work, 'officer-a.key.asc'),
      '--passphrase-file',
      passFile,
      '--out',
      out,
      '--sealed',
    ]);
    expect(pulled.code).toBe(0);
    expect(readdirSync(join(out, ref)).sort()).toEqual(['info.json', 'report.gpg']);
    const clear = gpg.decrypt(readFileSync(join(out, ref, 'report.gpg')), 'officer pass phrase');
    expect(clear.toString('utf8')).toContain('Un pistolet caché dans la cave du bâtiment D');
    expect(new TextDecoder().decode(decodeEnvelope(new Uint8Array(clear)).content)).toBe('Un pistolet caché dans la cave du bâtiment D');
    expect(JSON.parse(readFileSync(join(out, ref, 'info.json'), 'utf8'))).toMatchObject({ ref, category: 'armes', status: 'received' });
  });

  it('seals a report that GnuPG and Sequoia both read, each with its own member’s key', async () => {
    const text = 'Point de deal sous le porche du 12, de 17 h à minuit';
    const submitted = await relais(['submit', '--server', server.url, '--category', 'trafic', '--text', text]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const ref = submitted.stdout.split('\n')[0]!;
    const out = join(work, 'pull-interop');
    const pulled = await relais([
      'pull',
      '--server',
      server.url,
      '--key',
      join(work, 'officer-a.key.asc'),
      '--passphrase-file',
      passFile,
      '--out',
      out,
      '--all',
      '--sealed',
    ]);
    expect(pulled.code, pulled.stderr).toBe(0);
    const sealed = join(out, ref, 'report.gpg');
    const byGpg = gpg.decrypt(readFileSync(sealed), 'officer pass phrase');
    const bySq = execFileSync('sq', ['decrypt', '--recipient-key', join(work, 'city-c.key.pgp'), sealed]);
    expect(bySq.equals(byGpg)).toBe(true);
    expect(new TextDecoder().decode(decodeEnvelope(new Uint8Array(bySq)).content)).toBe(text);
    // Sequoia also refuses the part once one byte of its encrypted packet changes (MDC).
    const tampered = readFileSync(sealed);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 30) ^ 1, tampered.length - 30);
    const broken = join(work, 'tampered.gpg');
    writeFileSync(broken, tampered);
    expect(() => execFileSync('sq', ['decrypt', '--recipient-key', join(work, 'city-c.key.pgp'), broken], { stdio: 'pipe' })).toThrow();
  });

  it('pulls only new reports, decrypted, for an officer whose key relais keygen made', async () => {
    const first = await relais(['submit', '--server', server.url, '--category', 'trafic', '--text', 'premier']);
    const out = join(work, 'pull-b');
    const pulled = await relais([
      'pull',
      '--server',
      server.url,
      '--key',
      join(work, 'officer-b.key.asc'),
      '--passphrase-file',
      passFile,
      '--out',
      out,
    ]);
    expect(pulled.code).toBe(0);
    expect(readFileSync(join(out, first.stdout.split('\n')[0]!, 'report.txt'), 'utf8')).toBe('premier');
    const second = await relais(['submit', '--server', server.url, '--category', 'trafic', '--text', 'second']);
    const again = await relais([
      'pull',
      '--server',
      server.url,
      '--key',
      join(work, 'officer-b.key.asc'),
      '--passphrase-file',
      passFile,
      '--out',
      out,
    ]);
    expect(again.stderr).toContain('1 new report(s)');
    expect(readFileSync(join(out, second.stdout.split('\n')[0]!, 'report.txt'), 'utf8')).toBe('second');
    expect(readdirSync(out).filter((d) => d.endsWith('.partial'))).toEqual([]);
  });

  it('does not pull reports of inboxes the officer is not in', async () => {
    const sub = await relais(['submit', '--server', server.url, '--category', 'prevention', '--text', 'pour la mairie']);
    const out = join(work, 'pull-a-again');
    await relais([
      'pull',
      '--server',
      server.url,
      '--key',
      join(work, 'officer-a.key.asc'),
      '--passphrase-file',
      passFile,
      '--out',
      out,
      '--all',
      '--sealed',
    ]);
    expect(existsSync(join(out, sub.stdout.split('\n')[0]!))).toBe(false);
  });

  it('refuses a wrong passphrase with a message and exit code 1', async () => {
    const wrong = join(work, 'wrong');
    writeFileSync(wrong, 'not it');
    const res = await relais([
      'pull',
      '--server',
      server.url,
      '--key',
      join(work, 'officer-b.key.asc'),
      '--passphrase-file',
      wrong,
      '--out',
      join(work, 'x'),
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/error: .*(passphrase|decrypt)/i);
  });

  it('explains its usage on a missing option, with exit code 2', async () => {
    const res = await relais(['submit', '--server', server.url]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('missing --category');
  });
});
