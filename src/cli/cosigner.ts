// `relais cosigner keygen|serve` (DESIGN "Who uses it": cosigner; promise 7): the witness an
// independent body runs on its own machine (the city's inspection, the prefecture, a partner
// NGO). keygen makes its Ed25519 cosignature/v1 key pair (C2SP tlog-cosignature); serve answers
// C2SP tlog-witness `POST /add-checkpoint` (src/server/cosigner.ts) for the logs whose verifier
// keys it was given, keeping the latest cosigned checkpoint of each in its own SQLite file.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { generateCosignerKey, isValidKeyName, parseCosignerKey, parseVerifierKey, type NoteVerifier } from '../core/tlog/index.ts';
import { cosigner, MAX_ADD_CHECKPOINT_BYTES } from '../server/cosigner.ts';
import { CosignerTable } from '../store/cosigner-table.ts';
import { openSqlite } from '../store/sqlite.ts';
import { help, parse, required, say, UsageError } from './args.ts';

const USAGE = `relais cosigner keygen --name NAME --out PREFIX
relais cosigner serve --key PREFIX.key --db FILE --log-key LOG.pub [--log-key …] [--port 7380] [--host 127.0.0.1]

keygen writes PREFIX.pub (the cosigner's verifier key: give it to the log's operator for
log.cosigners and to every auditor) and PREFIX.key (its secret). NAME is the cosigner's name in
signatures, e.g. inspection.ville.example/witness.
serve answers POST /add-checkpoint (C2SP tlog-witness) for each log whose verifier key file is
given with --log-key (the log's origin is the key's name); --db keeps the latest checkpoint it
cosigned of each log. Point Relais' log.cosigners at http(s)://HOST:PORT.`;

function readKeyFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    throw new UsageError(`cannot read the ${what} file ${path}`);
  }
}

async function keygen(argv: string[]): Promise<number> {
  const { values } = parse(argv, { name: { type: 'string' }, out: { type: 'string' } }, USAGE);
  if (values.help) return help(USAGE);
  const name = required(values.name, 'name', USAGE);
  const out = required(values.out, 'out', USAGE);
  if (!isValidKeyName(name)) throw new UsageError('the name must not contain spaces, "+" or control characters');
  for (const f of [`${out}.pub`, `${out}.key`]) if (existsSync(f)) throw new UsageError(`${f} exists; not overwriting it`);
  const { signerKey, verifierKey } = generateCosignerKey(name);
  writeFileSync(`${out}.key`, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
  writeFileSync(`${out}.pub`, `${verifierKey}\n`, { flag: 'wx' });
  say(`verifier key: ${out}.pub  (for the log's log.cosigners and for every auditor)`);
  say(`signer key:   ${out}.key  (secret: only this cosigner's --key)`);
  process.stdout.write(`${verifierKey}\n`);
  return 0;
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ADD_CHECKPOINT_BYTES) {
        resolve(null);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function serve(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      key: { type: 'string' },
      db: { type: 'string' },
      'log-key': { type: 'string', multiple: true },
      port: { type: 'string' },
      host: { type: 'string' },
    },
    USAGE,
  );
  if (values.help) return help(USAGE);
  const signer = (() => {
    try {
      return parseCosignerKey(readKeyFile(required(values.key, 'key', USAGE), 'cosigner key'));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError('--key is not a cosigner signer key made by `relais cosigner keygen`');
    }
  })();
  const dbPath = required(values.db, 'db', USAGE);
  const logs = new Map<string, NoteVerifier>();
  for (const file of values['log-key'] ?? []) {
    let verifier: NoteVerifier;
    try {
      verifier = parseVerifierKey(readKeyFile(file, 'log key'));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`${file} is not a log verifier key (as written by relais log-key)`);
    }
    logs.set(verifier.name, verifier);
  }
  if (logs.size === 0) throw new UsageError(`name at least one log with --log-key\n\n${USAGE}`);
  const port = Number(values.port ?? 7380);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a port number');
  const db = openSqlite(dbPath);
  const table = new CosignerTable(db);
  await table.init();
  const witness = cosigner({ signer, logs, table, clock: () => Date.now(), log: (line) => say(line) });

  const server = createServer((req, res) => {
    const answer = async () => {
      if (req.method !== 'POST' || req.url !== '/add-checkpoint') return { status: 404, type: 'text/plain', body: 'not found\n' };
      const body = await readBody(req);
      if (body === null) return { status: 413, type: 'text/plain', body: 'request too large\n' };
      return witness.addCheckpoint(body);
    };
    answer()
      .catch(() => ({ status: 500, type: 'text/plain', body: 'internal error\n' }))
      .then((a) => {
        res.writeHead(a.status, { 'Content-Type': a.type, 'Cache-Control': 'no-store' });
        res.end(a.body);
      });
  });
  await new Promise<void>((resolve) => server.listen(port, values.host ?? '127.0.0.1', resolve));
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  say(`cosigner ${signer.name} for ${[...logs.keys()].join(', ')} on http://${values.host ?? '127.0.0.1'}:${bound}`);
  say(`verifier key: ${signer.verifierKey}`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await db.close();
  return 0;
}

export async function cosignerCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'keygen') return keygen(rest);
  if (sub === 'serve') return serve(rest);
  if (sub === '--help' || sub === '-h') return help(USAGE);
  say(sub === undefined ? USAGE : `unknown step "${sub}"\n\n${USAGE}`);
  return 2;
}
