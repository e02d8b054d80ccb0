// `relais pull`: an officer logs in with their key, downloads the reports routed to them that
// they have not opened yet (or all of them with --all) and decrypts each into its own folder.
// With --sealed it keeps the OpenPGP files as received, for decryption elsewhere (gpg --decrypt).
// File names are neutral (report.txt, attachment-1.jpg): nothing the resident chose.
//
// A pull never loses a report (issue 14 §5): every name from the server (reference, part role,
// index, message author and kind) is checked against a closed pattern before it becomes part of a
// path; a part that does not decrypt or decode is kept sealed in DIR/quarantine/<reference>/ with
// the reason, the run goes on and exits 1 at the end; the server marks a report read only once
// everything of it was saved (fetches ask `keepUnread`, then PUT …/read), so a report that could
// not be saved comes again on the next pull. Folders are 0700 and files 0600 (files.ts).

import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as openpgp from 'openpgp';
import type { ApiClient } from '../client/api.ts';
import { fetchSealedMessage, fetchSealedPart, getReport, listReports, markRead, type ReportDetail } from '../client/staff.ts';
import { CONTENT_EXTENSIONS, EnvelopeError } from '../core/envelope.ts';
import { REPORT_REF_PATTERN } from '../core/refs.ts';
import { openSealedPart } from '../core/seal.ts';
import { splitSealed } from '../core/witness-seal.ts';
import { help, parse, progress, required, say } from './args.ts';
import { outputDir, privateDir, serverIndex, serverName, ServerNameError, writePrivateFile } from './files.ts';
import { staffSession } from './staff-session.ts';

const USAGE = `relais pull --server URL --key PRIVATE_KEY.asc --out DIR [--all] [--sealed]
            [--passphrase-file FILE]

Writes DIR/<reference>/ with info.json, report.txt and attachment-N.<ext> (decrypted), or
report.gpg and attachment-N.gpg with --sealed, and the conversation in messages/. Pulling again
adds what is new: new reports, and new messages of reports already in DIR. A part that cannot be
opened is kept sealed in DIR/quarantine/<reference>/ with the reason in README.txt; the report
stays unread, the run goes on, and the exit code is 1.`;

export const EXTENSIONS = CONTENT_EXTENSIONS;

const ROLE = /^(report|attachment|identity)$/;
const AUTHOR = /^(resident|staff)$/;
const KIND = /^(message|status|note|attachment)$/;

interface Puller {
  api: ApiClient;
  key: openpgp.PrivateKey;
  out: string;
  sealed: boolean;
}

/** Why a part cannot be opened, in words that say what to do. */
function whyUnopened(e: unknown, sealed: Uint8Array, key: openpgp.PrivateKey, ref: string): string {
  if (e instanceof EnvelopeError)
    return 'it decrypts with your key but is not a Relais envelope (not made by a Relais form or CLI; possibly junk sent with the public keys)';
  const mine = new Set(key.getKeyIDs().map((k) => k.toHex()));
  let packets: string[] = [];
  try {
    packets = splitSealed(sealed).keyPackets.map((p) => p.keyId);
  } catch {
    return 'it is not an OpenPGP message';
  }
  if (!packets.some((id) => mine.has(id)))
    return `it is not sealed to your key (it arrived before you were a member?): a member who can read it runs \`relais grant --ref ${ref}\``;
  return 'it does not decrypt with your key (damaged or tampered with)';
}

/** Files already saved under `base` in `dir` (report.txt, attachment-2.jpg, …). */
function saved(dir: string, base: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => f.startsWith(`${base}.`));
}

/**
 * Saves one sealed object under `dir/base.<ext>`, or keeps it sealed in the quarantine folder
 * with the reason. Returns whether it was saved.
 */
async function save(p: Puller, ref: string, sealed: Uint8Array, base: string, where: string): Promise<boolean> {
  const dir = join(p.out, ref, where);
  const quarantine = join(p.out, 'quarantine', ref, where);
  if (p.sealed) {
    writePrivateFile(join(privateDir(dir), `${base}.gpg`), sealed);
    return true;
  }
  try {
    const envelope = await openSealedPart(sealed, p.key);
    const ext = EXTENSIONS[envelope.contentType] ?? 'bin';
    writePrivateFile(join(privateDir(dir), `${base}.${ext}`), envelope.content);
    rmSync(join(quarantine, `${base}.gpg`), { force: true });
    return true;
  } catch (e) {
    const why = whyUnopened(e, sealed, p.key, ref);
    writePrivateFile(join(privateDir(quarantine), `${base}.gpg`), sealed);
    writePrivateFile(
      join(p.out, 'quarantine', ref, 'README.txt'),
      `${ref}: these parts could not be opened and are kept sealed, as received.\n${where ? `${where}/` : ''}${base}.gpg: ${why}\n`,
    );
    say(`${ref}: ${where ? `${where}/` : ''}${base} kept sealed in ${join(quarantine, `${base}.gpg`)}: ${why}`);
    return false;
  }
}

/** Pulls what is missing of one report. Returns the problems met (0: saved whole, marked read). */
async function pullReport(p: Puller, ref: string): Promise<{ problems: number; isNew: boolean; parts: number; messages: number }> {
  const report: ReportDetail = await getReport(p.api, ref);
  if (report.ref !== ref) throw new ServerNameError(`the server answered for ${JSON.stringify(report.ref)} when asked for ${ref}`);
  const dir = join(p.out, ref);
  const isNew = !existsSync(dir);
  let problems = 0;
  let parts = 0;
  let messages = 0;
  const attempt = async (what: () => Promise<boolean>) => {
    try {
      if (await what()) return true;
    } catch (e) {
      if (!(e instanceof ServerNameError)) throw e;
      say(`${ref}: ${e.message}`);
    }
    problems++;
    return false;
  };

  let attachment = 0;
  for (const part of report.parts) {
    await attempt(async () => {
      const role = serverName(part.role, ROLE, 'a part role');
      const idx = serverIndex(part.idx, 999, 'a part index');
      const base = role === 'attachment' ? `attachment-${++attachment}` : role;
      if (saved(dir, base)) return true;
      const ok = await save(p, ref, await fetchSealedPart(p.api, ref, idx, { keepUnread: true }), base, '');
      if (ok) parts++;
      return ok;
    });
  }

  const conversation = join(dir, 'messages');
  const present = new Set(existsSync(conversation) ? readdirSync(conversation).map((f) => f.slice(0, 4)) : []);
  for (const m of report.messages) {
    await attempt(async () => {
      const idx = serverIndex(m.idx, 9999, 'a message index');
      const base = `${String(idx).padStart(4, '0')}-${serverName(m.author, AUTHOR, 'a message author')}-${serverName(m.kind, KIND, 'a message kind')}`;
      if (m.size === 0 || present.has(base.slice(0, 4))) return true;
      const ok = await save(p, ref, await fetchSealedMessage(p.api, ref, idx, { keepUnread: true }), base, 'messages');
      if (ok) messages++;
      return ok;
    });
  }
  if (report.messages.length > 0) {
    const index = report.messages.map((m) => ({ ...m, at: new Date(m.at * 1000).toISOString() }));
    writePrivateFile(join(privateDir(conversation), 'conversation.json'), `${JSON.stringify(index, null, 2)}\n`);
  }
  const info = {
    ref: report.ref,
    category: report.category,
    received: new Date(report.receivedBucket * 1000).toISOString(),
    status: report.status,
  };
  writePrivateFile(join(privateDir(dir), 'info.json'), `${JSON.stringify(info, null, 2)}\n`);
  if (problems === 0) {
    rmSync(join(p.out, 'quarantine', ref), { recursive: true, force: true });
    await markRead(p.api, ref);
  }
  return { problems, isNew, parts, messages };
}

export async function pullCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      server: { type: 'string' },
      key: { type: 'string' },
      out: { type: 'string' },
      all: { type: 'boolean' },
      sealed: { type: 'boolean' },
      'passphrase-file': { type: 'string' },
    },
    USAGE,
  );
  if (values.help) return help(USAGE);
  const server = required(values.server, 'server', USAGE);
  const out = required(values.out, 'out', USAGE);
  const { api, key, member, close } = await staffSession(server, required(values.key, 'key', USAGE), values['passphrase-file']);
  say(`logged in as ${member.id} (${member.inboxes.join(', ')})`);
  const warning = outputDir(out);
  if (warning) say(warning);
  const puller: Puller = { api, key, out, sealed: values.sealed === true };
  let written = 0;
  let troubled = 0;
  const seen = new Set<string>();
  const bar = progress('pull');
  let total = 0;
  try {
    for (let page = 1; ; ) {
      const list = await listReports(api, { unread: !values.all, page, perPage: 100 });
      if (page === 1 && total === 0) total = list.total;
      const fresh = list.reports.filter((r) => !seen.has(r.ref));
      for (const summary of fresh) {
        seen.add(summary.ref);
        bar.update(seen.size, Math.max(total, seen.size));
        let ref: string;
        try {
          ref = serverName(summary.ref, REPORT_REF_PATTERN, 'a report reference');
        } catch (e) {
          say((e as Error).message);
          troubled++;
          continue;
        }
        const result = await pullReport(puller, ref);
        if (result.isNew && result.parts > 0) written++;
        if (result.problems > 0) troubled++;
        if (result.parts > 0 || result.messages > 0) {
          say(
            `${ref}: ${result.isNew ? `${result.parts} part(s)` : 'updated'}${result.messages ? `, ${result.messages} new message(s)` : ''}`,
          );
        }
      }
      if (values.all) {
        if (list.page * list.perPage >= list.total || list.reports.length === 0) break;
        page++;
      } else if (fresh.length === 0) {
        // The unread list shrinks as reports are saved, so a page is read again until it offers
        // nothing new; what it still holds could not be saved (it stays unread): on to the next.
        if (list.page * list.perPage >= list.total || list.reports.length === 0) break;
        page++;
      }
    }
  } finally {
    bar.done();
    await close();
  }
  say(`${written} new report(s) in ${out}`);
  if (troubled > 0) {
    say(
      `${troubled} report(s) could not be saved whole: what could not be opened is kept sealed in ${join(out, 'quarantine')} (see README.txt there); they stay unread and come again on the next pull`,
    );
    return 1;
  }
  return 0;
}
