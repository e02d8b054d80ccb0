// `relais witness` end to end with the real command, a real server and GnuPG: a witness request
// filed with `relais submit --identity-file`, custodian D reads the identity and asks for a
// disclosure, E reviews and approves, the police inbox fetches it — sealed
// (decrypted by gpg) and decrypted — and nobody can then withdraw it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relais } from '../helpers/cli.ts';
import { startTestServer, type TestServer } from '../helpers/fixture.ts';
import { Gpg } from '../helpers/gpg.ts';
import { tempDir } from '../helpers/temp.ts';

const IDENTITY = 'Nom : Yannick Oxalis-Vautrin\nComment me joindre : par l’intermédiaire de ma sœur\n';
const work = tempDir('relais-witness-cli-');
let server: TestServer;
let number = '';
let disclosure = '';

function as(who: string): string[] {
  const k = server.fixture.keys[who]!;
  writeFileSync(join(work, `${who}.asc`), k.privateKey);
  writeFileSync(join(work, `${who}.pass`), k.passphrase);
  return ['--server', server.fixture.origin, '--key', join(work, `${who}.asc`), '--passphrase-file', join(work, `${who}.pass`)];
}

beforeAll(async () => {
  server = await startTestServer();
  writeFileSync(join(work, 'identity.txt'), IDENTITY);
  const filed = await relais([
    'submit',
    '--server',
    server.fixture.origin,
    '--category',
    'temoin',
    '--text',
    'Le guetteur du hall C',
    '--identity-file',
    join(work, 'identity.txt'),
  ]);
  expect(filed.code, filed.stderr).toBe(0);
  number = filed.stdout.trim().split('\n').pop() as string;
});
afterAll(async () => server?.close());

describe('relais witness', () => {
  it('files a witness request whose number relais submit prints last', () => {
    expect(number).toMatch(/^W-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  });

  it('lists the witness for a custodian and shows the identity decrypted with their key', async () => {
    const [list, show] = await Promise.all([
      relais(['witness', 'list', ...as('custodian-d')]),
      relais(['witness', 'show', '--witness', number, ...as('custodian-d')]),
    ]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(number);
    expect(show.stdout).toBe(IDENTITY);
  });

  it('asks for a disclosure to the police inbox with its legal basis and the magistrate’s decision', async () => {
    const asked = await relais([
      'witness',
      'request',
      '--witness',
      number,
      '--to',
      'police',
      '--basis',
      'art. 706-60 CPP',
      '--decision-ref',
      'JLD Lyon 2026/314',
      ...as('custodian-d'),
    ]);
    expect(asked.code, asked.stderr).toBe(0);
    disclosure = asked.stdout.trim();
    expect(disclosure).toMatch(/^D-/);
  });

  it('lets a second custodian review and approve it, then the police inbox fetch it sealed for gpg or decrypted', async () => {
    const approved = await relais(['witness', 'approve', '--id', disclosure, ...as('custodian-e')]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stderr).toContain('JLD Lyon 2026/314');
    expect(approved.stderr).toContain('exactly the witness');
    const sealedFile = join(work, 'identity.gpg');
    const [sealed, decrypted] = await Promise.all([
      relais(['witness', 'fetch', '--id', disclosure, '--sealed', '--out', sealedFile, ...as('officer-a')]),
      relais(['witness', 'fetch', '--id', disclosure, ...as('officer-b')]),
    ]);
    expect(sealed.code, sealed.stderr).toBe(0);
    const gpg = new Gpg();
    gpg.importKey(server.fixture.keys['officer-a']!.privateKey);
    const plain = gpg.decrypt(readFileSync(sealedFile), server.fixture.keys['officer-a']!.passphrase).toString('utf8');
    expect(plain).toContain('Yannick Oxalis-Vautrin');
    expect(plain).toContain('Decision: JLD Lyon 2026/314');
    expect(decrypted.stdout).toContain(IDENTITY);
  });

  it('lists the disclosure with its state and approver, and refuses to withdraw it once fetched', async () => {
    const [list, withdraw] = await Promise.all([
      relais(['witness', 'disclosures', '--witness', number, ...as('custodian-e')]),
      relais(['witness', 'withdraw', '--id', disclosure, ...as('custodian-d')]),
    ]);
    expect(list.stdout).toContain(`${disclosure}\t${number}\tpolice\tfetched\trequested by custodian-d`);
    expect(list.stdout).toContain('approved by custodian-e');
    expect(withdraw.code).toBe(1);
    expect(withdraw.stderr).toContain('disclosure_fetched');
  });
});
