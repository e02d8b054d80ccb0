// Go's reference verifiers on a running Relais with two real cosigners (issue 11 item 8, DESIGN
// promise 7): test/go/verify-log.go opens the served checkpoint with golang.org/x/mod/sumdb/note and
// the log's key alone, then with its own cosignature/v1 verifiers (crypto/ed25519), recomputes the
// root from every entry with sumdb/tlog and checks served inclusion and consistency proofs with it.
// Go 1.19 and x/mod 0.7 from Debian (`.ci/run` installs golang-go and golang-golang-x-mod-dev),
// in GOPATH mode.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getReport, listReports } from '../../src/client/staff.ts';
import { makeFixture, type TestServer } from '../helpers/fixture.ts';
import { startCosigners, useCosigners, type RunningCosigner } from './cosigners.ts';
import { startLogServer, staff } from './helpers.ts';
import { tempDir } from '../helpers/temp.ts';

const PROGRAM = fileURLToPath(new URL('../go/verify-log.go', import.meta.url));
let server: TestServer;
let cosigners: RunningCosigner[] = [];

beforeAll(async () => {
  const fx = await makeFixture();
  cosigners = await startCosigners(fx, ['inspection.example/witness', 'ngo.example/witness']);
  useCosigners(fx, cosigners, 2);
  server = await startLogServer(fx);
  const officer = await staff(server, 'officer-a');
  for (let i = 0; i < 12; i++) await listReports(officer, { page: i + 1 });
  await getReport(officer, 'R-0000-0000-0000').catch(() => {});
}, 60_000);
afterAll(async () => {
  await server?.close();
  for (const c of cosigners) await c.stop();
});

it('Go’s sumdb/note opens the cosigned checkpoint with the log key alone, and sumdb/tlog checks its root and proofs', async () => {
  const auditor = await staff(server, 'auditor-f');
  const logKey = server.config.logVerifierKey;
  const gopath = tempDir('relais-gopath-');
  // Not spawnSync: the server answering the Go program runs in this very process.
  const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('go', ['run', PROGRAM, server.url, auditor.token!, logKey, ...cosigners.map((c) => c.verifierKey)], {
      env: { ...process.env, GO111MODULE: 'off', GOPATH: `${gopath}:/usr/share/gocode`, GOCACHE: join(gopath, 'cache'), GOFLAGS: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  expect(run.status, run.stderr).toBe(0);
  const result = JSON.parse(run.stdout);
  const served = await (await fetch(`${server.url}/api/v1/log/checkpoint`)).text();
  const [origin, size, root] = served.split('\n');
  expect(result).toMatchObject({ origin, size: Number(size), root, logSignatures: 1, ignored: 2, verifiedSignatures: 3, proofsChecked: 7 });
  expect(Object.keys(result.cosigned).sort()).toEqual(['inspection.example/witness', 'ngo.example/witness']);
  for (const t of Object.values(result.cosigned) as number[]) expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(120);
});
