// Real cosigners for the log tests (issue 11): `relais cosigner serve` as child processes, each
// with its own SQLite file and key (made in process, as `relais cosigner keygen` makes it, which
// test/tlog/cosignature.test.ts runs), watching the fixture's log key; and the fixture's config
// rewritten to name them (log.cosigners, log.quorum), as an operator would.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCosignerKey } from '../../src/core/tlog/index.ts';
import { BIN } from '../helpers/cli.ts';
import type { Fixture } from '../helpers/fixture.ts';

export interface RunningCosigner {
  name: string;
  url: string;
  /** the verifier key file an auditor holds */
  pubFile: string;
  verifierKey: string;
  dbPath: string;
  stop(): Promise<void>;
}

export async function startCosigner(fx: Fixture, name: string): Promise<RunningCosigner> {
  const prefix = join(fx.dir, name.replace(/[^a-z0-9]/gi, '_'));
  const { signerKey, verifierKey } = generateCosignerKey(name);
  writeFileSync(`${prefix}.key`, `${signerKey}\n`, { mode: 0o600 });
  writeFileSync(`${prefix}.pub`, `${verifierKey}\n`);
  const dbPath = `${prefix}.db`;
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'cosigner', 'serve', '--key', `${prefix}.key`, '--db', dbPath, '--log-key', join(fx.dir, 'keys', 'log.pub'), '--port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`cosigner exited ${code}: ${err}`)));
  });
  return {
    name,
    url,
    pubFile: `${prefix}.pub`,
    verifierKey: readFileSync(`${prefix}.pub`, 'utf8').trim(),
    dbPath,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Starts cosigners side by side. */
export function startCosigners(fx: Fixture, names: string[]): Promise<RunningCosigner[]> {
  return Promise.all(names.map((name) => startCosigner(fx, name)));
}

/** Names the cosigners in the fixture's config file. */
export function useCosigners(fx: Fixture, cosigners: RunningCosigner[], quorum: number, maxCheckpointAgeSeconds = 900): void {
  const json = JSON.parse(readFileSync(fx.configPath, 'utf8'));
  json.log.cosigners = cosigners.map((c) => ({ name: c.name, url: c.url, key: c.verifierKey }));
  json.log.quorum = quorum;
  json.log.maxCheckpointAgeSeconds = maxCheckpointAgeSeconds;
  writeFileSync(fx.configPath, JSON.stringify(json, null, 2));
}
