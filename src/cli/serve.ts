// `relais serve`: the Node server on a SQLite file. The server secret comes from a file or the
// RELAIS_SERVER_SECRET environment variable, never from the config; so does the audit log's
// checkpoint signer key (--log-key-file or RELAIS_LOG_KEY, made by `relais log-key`).

import { readFileSync } from 'node:fs';
import { loadConfigFile } from '../config/load-node.ts';
import { type NoteSigner, parseSignerKey } from '../core/tlog/index.ts';
import { startNodeServer, type RunningServer } from '../node.ts';
import { UNSIGNED_LOG_WARNING } from '../server/log.ts';
import { parseServerSecret } from '../server/secrets.ts';
import { parse, say, UsageError, help } from './args.ts';

const USAGE = `relais serve [--config relais.config.json] [--db relais.db] [--secret-file FILE]
             [--log-key-file FILE] [--smtp-password-file FILE] [--port 8787] [--host 127.0.0.1] [--quiet]

The server secret (32 random bytes, base64) comes from --secret-file or RELAIS_SERVER_SECRET.
The log's signer key comes from --log-key-file or RELAIS_LOG_KEY; without it the audit log is
stored but no checkpoint is signed. The SMTP relay's password for notifications comes from
--smtp-password-file or RELAIS_SMTP_PASSWORD.

Standard output gets one line per staff request and, after each time bucket closes, one summary
of the residents' requests (counts per route and status); never a line per resident request.
--quiet writes nothing to standard output at all (start-up messages and warnings still go to
standard error).`;

export interface ServeSettings {
  config: string;
  db: string;
  secretFile?: string | undefined;
  logKeyFile?: string | undefined;
  smtpPasswordFile?: string | undefined;
  port: number;
  host: string;
  /** nothing on stdout */
  quiet?: boolean;
}

export async function serveWith(settings: ServeSettings): Promise<RunningServer> {
  const secretText = settings.secretFile ? readFileSync(settings.secretFile, 'utf8') : process.env.RELAIS_SERVER_SECRET;
  if (!secretText) throw new UsageError('no server secret: use --secret-file or RELAIS_SERVER_SECRET');
  const config = await loadConfigFile(settings.config);
  const logKeyText = settings.logKeyFile ? readFileSync(settings.logKeyFile, 'utf8') : process.env.RELAIS_LOG_KEY;
  let logSigner: NoteSigner | undefined;
  try {
    logSigner = logKeyText ? parseSignerKey(logKeyText.trim()) : undefined;
  } catch {
    throw new UsageError('the log key (--log-key-file or RELAIS_LOG_KEY) is not a signer key made by `relais log-key`');
  }
  const server = await startNodeServer({
    config,
    dbPath: settings.db,
    serverSecret: parseServerSecret(secretText),
    logSigner,
    port: settings.port,
    hostname: settings.host,
    smtpPassword: settings.smtpPasswordFile ? readFileSync(settings.smtpPasswordFile, 'utf8').trim() : process.env.RELAIS_SMTP_PASSWORD,
    ...(settings.quiet ? { log: () => {} } : {}),
  });
  if (!logSigner) say(UNSIGNED_LOG_WARNING);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}

export function portOption(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a number from 0 to 65535');
  return port;
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      config: { type: 'string' },
      db: { type: 'string' },
      'secret-file': { type: 'string' },
      'log-key-file': { type: 'string' },
      'smtp-password-file': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      quiet: { type: 'boolean' },
    },
    USAGE,
  );
  if (values.help) return help(USAGE);
  const server = await serveWith({
    config: values.config ?? 'relais.config.json',
    db: values.db ?? 'relais.db',
    secretFile: values['secret-file'],
    logKeyFile: values['log-key-file'],
    smtpPasswordFile: values['smtp-password-file'],
    port: portOption(values.port ?? process.env.PORT, 8787),
    host: values.host ?? '127.0.0.1',
    quiet: values.quiet === true,
  });
  say(`Relais is listening on ${server.url}`);
  return new Promise<number>(() => {});
}
