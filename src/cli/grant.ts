// `relais grant` (issue 14, DESIGN "Flows: Members change"): run by a current member after the
// membership of an inbox changed, it gives the current members access to earlier reports and
// their conversations — decrypting only session keys, here, with the member's own key, and
// sending the server new key packets; nothing is re-encrypted (src/client/grant.ts,
// src/routes/grant.ts). Members who left lose access through the new key packets.

import { grantReport, grantStatus } from '../client/grant.ts';
import { listReports } from '../client/staff.ts';
import { REPORT_REF_PATTERN } from '../core/refs.ts';
import { help, parse, progress, required, say, UsageError } from './args.ts';
import { staffSession } from './staff-session.ts';

const USAGE = `relais grant --server URL --key PRIVATE_KEY.asc (--ref R-XXXX-XXXX-XXXX | --all [--inbox ID])
             [--passphrase-file FILE]

Gives the current members of the report's inboxes access to its parts, attachments and
conversation (and a custodian, the current custodians to a witness's identity): decrypts only the
session keys, here, with your key, and replaces the key packets on the server. Members who left
lose access through the new key packets. With --all: every report of your inboxes (or of one
inbox with --inbox). Exit 1 if something could not be granted (not sealed to your key: another
member must grant it).`;

export async function grantCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      server: { type: 'string' },
      key: { type: 'string' },
      ref: { type: 'string' },
      inbox: { type: 'string' },
      all: { type: 'boolean' },
      'passphrase-file': { type: 'string' },
    },
    USAGE,
  );
  if (values.help) return help(USAGE);
  if ((values.ref === undefined) === (values.all !== true)) throw new UsageError(`give either --ref or --all\n\n${USAGE}`);
  if (values.inbox !== undefined && !values.all) throw new UsageError(`--inbox goes with --all\n\n${USAGE}`);
  if (values.ref !== undefined && !REPORT_REF_PATTERN.test(values.ref)) throw new UsageError('--ref is a reference R-XXXX-XXXX-XXXX');
  const server = required(values.server, 'server', USAGE);
  const { api, key, member, close } = await staffSession(server, required(values.key, 'key', USAGE), values['passphrase-file']);
  say(`logged in as ${member.id} (${member.inboxes.join(', ')})`);
  if (values.inbox !== undefined && !member.inboxes.includes(values.inbox)) {
    await close();
    throw new UsageError(`you are not a member of inbox ${values.inbox}`);
  }
  let failures = 0;
  let granted = 0;
  try {
    const refs: string[] = [];
    if (values.ref) refs.push(values.ref);
    else {
      for (let page = 1; ; page++) {
        const list = await listReports(api, { page, perPage: 200 });
        refs.push(...list.reports.map((r) => r.ref).filter((r) => REPORT_REF_PATTERN.test(r)));
        if (list.reports.length === 0 || page * list.perPage >= list.total) break;
      }
    }
    const bar = progress('grant');
    for (const [n, ref] of refs.entries()) {
      bar.update(n, refs.length);
      if (values.inbox !== undefined && !(await grantStatus(api, ref)).inboxes.includes(values.inbox)) continue;
      const outcome = await grantReport(api, ref, key);
      granted += outcome.granted;
      for (const f of outcome.failed) {
        failures++;
        say(`${ref}: ${f.item.target} ${f.item.idx}: ${f.reason}`);
      }
      if (outcome.granted > 0 || values.ref)
        say(`${ref}: ${outcome.granted} granted, ${outcome.current} already sealed to the current members`);
    }
    bar.done();
  } finally {
    await close();
  }
  say(`${granted} part(s) and message(s) now sealed to the current members`);
  return failures > 0 ? 1 : 0;
}
