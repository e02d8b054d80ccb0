// A server that serves a rolled-back or a forked log (issue 6, DESIGN promise 7): its database is
// restored from an old backup — the server itself cannot tell — and it goes on signing. The
// auditor's `relais audit verify`, holding the checkpoint it verified before, catches the
// rollback, then a fork of the same size, then a fork that grew past it. The log key is made by
// `relais log-key`, and `relais serve` refuses a signer key that the config does not name.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listReports } from '../../src/client/staff.ts';
import { parseSignerKey } from '../../src/core/tlog/index.ts';
import { BIN, relais } from '../helpers/cli.ts';
import { makeFixture, type Fixture, type TestServer } from '../helpers/fixture.ts';
import { keyFiles, startLogServer, staff } from './helpers.ts';
import { tempDir } from '../helpers/temp.ts';

const work = tempDir('relais-fork-');
let fx: Fixture;
let signerKey: string;
let server: TestServer;
let auditor: { key: string; pass: string };
const state = join(work, 'state.json');

function verify() {
  return relais([
    'audit',
    'verify',
    '--server',
    server.url,
    '--state',
    state,
    '--key',
    auditor.key,
    '--passphrase-file',
    auditor.pass,
    '--log-key',
    join(fx.dir, 'keys', 'log.pub'),
  ]);
}

async function lists(n: number) {
  const api = await staff(server, 'officer-b');
  for (let i = 0; i < n; i++) await listReports(api);
}

async function treeSize(): Promise<number> {
  return (await server.relais.tlog.table.head())!.size;
}

beforeAll(async () => {
  fx = await makeFixture();
  auditor = keyFiles(fx, 'auditor-f');
});
afterAll(async () => server?.close());

describe('relais log-key', () => {
  it('writes a signer key (private) and its verifier key, and never overwrites them', async () => {
    const prefix = join(work, 'log');
    const made = await relais(['log-key', '--origin', 'relais.test/log', '--out', prefix]);
    expect(made.code, made.stderr).toBe(0);
    signerKey = readFileSync(`${prefix}.key`, 'utf8').trim();
    const verifierKey = readFileSync(`${prefix}.pub`, 'utf8').trim();
    expect(parseSignerKey(signerKey).verifierKey).toBe(verifierKey);
    expect(verifierKey.startsWith('relais.test/log+')).toBe(true);
    expect(statSync(`${prefix}.key`).mode & 0o077).toBe(0);
    expect((await relais(['log-key', '--origin', 'relais.test/log', '--out', prefix])).code).toBe(2);
    expect(readFileSync(`${prefix}.key`, 'utf8').trim()).toBe(signerKey);
    copyFileSync(`${prefix}.pub`, join(fx.dir, 'keys', 'log.pub'));
  });

  it('is the key `relais serve` needs: another one stops it before it serves, and none is loudly reported', async () => {
    const secret = join(work, 'server.secret');
    writeFileSync(secret, `${Buffer.alloc(32, 1).toString('base64')}\n`);
    writeFileSync(join(work, 'wrong.key'), `${fx.logSignerKey}\n`);
    const run = await relais([
      'serve',
      '--config',
      fx.configPath,
      '--db',
      join(work, 'x.db'),
      '--secret-file',
      secret,
      '--log-key-file',
      join(work, 'wrong.key'),
      '--port',
      '0',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the log signer key does not match the log public key named in the config');

    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--config', fx.configPath, '--db', join(work, 'y.db'), '--secret-file', secret, '--port', '0'],
      {
        env: { ...process.env, RELAIS_LOG_KEY: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        if (stderr.includes('listening on')) resolve();
      });
      child.on('exit', () => reject(new Error(`relais serve stopped: ${stderr}`)));
    });
    child.kill('SIGTERM');
    expect(stderr).toContain('NO CHECKPOINT IS SIGNED: auditors cannot verify this log');
  });
});

describe('a server restored from an old backup', () => {
  it('is first verified as it stands', async () => {
    server = await startLogServer(fx, { signerKey });
    await lists(3);
    await server.close();
    copyFileSync(server.dbPath, join(work, 'backup.db'));
    server = await startLogServer(fx, { signerKey });
    await lists(5);
    const run = await verify();
    expect(run.code, run.stderr).toBe(0);
  });

  it('serves a rolled-back checkpoint, which verify refuses', async () => {
    const verified = Number(JSON.parse(readFileSync(state, 'utf8')).checkpoint.split('\n')[1]);
    await server.close();
    for (const suffix of ['-wal', '-shm']) if (existsSync(server.dbPath + suffix)) rmSync(server.dbPath + suffix);
    copyFileSync(join(work, 'backup.db'), server.dbPath);
    server = await startLogServer(fx, { signerKey });
    const run = await verify();
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(
        `LOG VERIFICATION FAILED \\(rollback\\): the server's checkpoint covers \\d+ entries, fewer than the ${verified} you verified before`,
      ),
    );
  });

  it('then signs a different log of the same size, which verify calls a fork', async () => {
    const verified = Number(JSON.parse(readFileSync(state, 'utf8')).checkpoint.split('\n')[1]);
    // verify's own login will be the entry that brings the restored log to the verified size.
    await lists(verified - 1 - (await treeSize()) - 1);
    expect(await treeSize()).toBe(verified - 1);
    const run = await verify();
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`LOG VERIFICATION FAILED (fork): the server signed two different logs of ${verified} entries`);
  });

  it('and a larger log that does not extend the verified one, in which verify names the first entry that differs', async () => {
    await lists(4);
    const run = await verify();
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/LOG VERIFICATION FAILED \(changed-entry\): entry #\d+, which you verified before, is served changed/);
  });
});
