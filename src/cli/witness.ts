// `relais witness …`: witness requests from the command line (DESIGN promise 6; issue 7 §5).
// Custodians list the witnesses they hold, read an identity (decrypted here, with their own key),
// ask for a disclosure to one police inbox with the legal basis and the magistrate's decision,
// review and approve or refuse another custodian's request, withdraw one; investigators fetch an
// approved identity, decrypted or sealed for `gpg --decrypt`. Every step is logged by the server.

import {
  decide,
  fetchDisclosed,
  getDisclosure,
  getWitness,
  listDisclosures,
  listWitnesses,
  openIdentity,
  requestDisclosure,
  reviewDisclosure,
} from '../client/witness.ts';
import { fromUtf8 } from '../core/bytes.ts';
import { openSealedPart } from '../core/seal.ts';
import { justificationLine } from '../core/witness-text.ts';
import type { DisclosureState } from '../store/disclosures.ts';
import { exitWith, help, parse, required, say, UsageError } from './args.ts';
import { writePrivateFile } from './files.ts';
import { staffSession } from './staff-session.ts';

const USAGE = `relais witness <step> --server URL --key PRIVATE_KEY.asc [--passphrase-file FILE] …

Custodians:
  list                                  the witness requests of your custody inboxes (W- numbers)
  show --witness W-XXXX-XXXX [--out F]  the witness's identity, decrypted here with your key
  disclosures [--witness W] [--state S] disclosures of your witnesses (or, for investigators, yours)
  request --witness W --to INBOX --basis TEXT --decision-ref TEXT
                                        seal the identity to that police inbox and ask a second
                                        custodian to approve; prints the disclosure id
  approve --id D-XXXX-XXXX-XXXX         decrypt the review copy, check it is exactly the witness's
                                        identity for that witness and inbox, print it, approve
  refuse --id D-…                       refuse another custodian's request
  withdraw --id D-…                     withdraw a disclosure that has not been fetched
Investigators:
  fetch --id D-… [--sealed] [--out F]   an approved identity, decrypted (or, with --sealed, the
                                        OpenPGP message as received, for gpg --decrypt)`;

const STATES: DisclosureState[] = ['pending', 'approved', 'refused', 'withdrawn', 'fetched'];
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export async function witnessCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      server: { type: 'string' },
      key: { type: 'string' },
      'passphrase-file': { type: 'string' },
      witness: { type: 'string' },
      id: { type: 'string' },
      to: { type: 'string' },
      basis: { type: 'string' },
      'decision-ref': { type: 'string' },
      state: { type: 'string' },
      out: { type: 'string' },
      sealed: { type: 'boolean' },
    },
    USAGE,
    1,
  );
  const step = positionals[0];
  if (values.help) return help(USAGE);
  if (!step) return exitWith(2, USAGE);
  if (!['list', 'show', 'disclosures', 'request', 'approve', 'refuse', 'withdraw', 'fetch'].includes(step))
    throw new UsageError(`unknown step "${positionals.join(' ')}"\n\n${USAGE}`);
  if (values.state !== undefined && !STATES.includes(values.state as DisclosureState))
    throw new UsageError(`--state is one of ${STATES.join(', ')}`);
  const basis = values.basis === undefined ? undefined : justificationLine(values.basis);
  const decision = values['decision-ref'] === undefined ? undefined : justificationLine(values['decision-ref']);
  if (step === 'request' && (!basis || !decision || !values.to))
    throw new UsageError(`request needs --to, and --basis and --decision-ref of one line each (at most 300 characters)\n\n${USAGE}`);
  const server = required(values.server, 'server', USAGE);
  const { api, key, member, close } = await staffSession(server, required(values.key, 'key', USAGE), values['passphrase-file']);
  // An identity is written for this user alone (0600), never left readable by others.
  const out = (data: string | Uint8Array) => (values.out ? writePrivateFile(values.out, data) : process.stdout.write(data));
  try {
    switch (step) {
      case 'list': {
        const { witnesses } = await listWitnesses(api, 1, 200);
        for (const w of witnesses)
          process.stdout.write(`${w.number}\t${w.ref}\t${iso(w.receivedBucket)}\t${w.status}\t${w.pending} pending\n`);
        say(`${witnesses.length} witness request(s)`);
        return 0;
      }
      case 'show': {
        const detail = await getWitness(api, required(values.witness, 'witness', USAGE));
        out(await openIdentity(api, detail, key));
        return 0;
      }
      case 'disclosures': {
        const list = await listDisclosures(api, {
          ...(values.witness ? { witness: values.witness } : {}),
          ...(values.state ? { state: values.state as DisclosureState } : {}),
        });
        for (const d of list) {
          const approved = d.events.find((e) => e.action === 'approved')?.member ?? '-';
          process.stdout.write(
            `${d.id}\t${d.witness}\t${d.inbox}\t${d.state}\trequested by ${d.requestedBy} ${iso(d.requestedAt)}\tapproved by ${approved}\n`,
          );
        }
        return 0;
      }
      case 'request': {
        const detail = await getWitness(api, required(values.witness, 'witness', USAGE));
        const identity = await openIdentity(api, detail, key);
        const { id } = await requestDisclosure(api, detail, {
          inbox: values.to as string,
          basis: basis as string,
          decision: decision as string,
          identity,
        });
        process.stdout.write(`${id}\n`);
        say(
          `${detail.number}: disclosure ${id} to ${values.to} asked; a second custodian must approve it (relais witness approve --id ${id})`,
        );
        return 0;
      }
      case 'approve': {
        const d = await getDisclosure(api, required(values.id, 'id', USAGE));
        const identity = await openIdentity(api, await getWitness(api, d.witness), key);
        const review = await reviewDisclosure(api, d, identity, key);
        if (review.problems.length > 0 || !review.text) {
          say(
            `${d.id} does not match what is recorded (${review.problems.join(', ')}): refuse it (relais witness refuse --id ${d.id}); nothing approved`,
          );
          return 1;
        }
        say(
          `${d.id}: witness ${d.witness}, to ${d.inboxName}, asked by ${d.requestedBy}\nlegal basis: ${review.text.basis}\ndecision: ${review.text.decision}\nthe disclosed text is exactly the witness's identity:\n`,
        );
        say(review.text.identity);
        await decide(api, d.id, 'approve', review.encryptedSha256);
        say(`${d.id}: approved by ${member.id}; ${d.inboxName} can now fetch it`);
        return 0;
      }
      case 'refuse':
      case 'withdraw': {
        const id = required(values.id, 'id', USAGE);
        await decide(api, id, step);
        say(`${id}: ${step === 'refuse' ? 'refused' : 'withdrawn'} by ${member.id}`);
        return 0;
      }
      default: {
        const id = required(values.id, 'id', USAGE);
        const sealed = await fetchDisclosed(api, id);
        if (values.sealed) out(sealed);
        else out(fromUtf8((await openSealedPart(sealed, key)).content));
        say(`${id}: fetched by ${member.id} (this is in the audit log)`);
        return 0;
      }
    }
  } finally {
    await close();
  }
}
