// The auditor page's verification worker (DESIGN promise 7, issues 6 and 11): runs the same audit
// as `relais audit verify` (src/client/audit-run.ts on audit-verifier.ts and audit-rules.ts), off
// the page's main thread so that hashing a large log does not freeze the page: the checkpoint's
// signature and origin with the log key the auditor loaded (never one from the server), the
// cosignatures with the cosigners' keys, quorum and maximum age the auditor gave or their state
// file kept, its consistency with that state (rollback, fork), every entry against the state's
// leaf hashes and the whole tree rebuilt, every stored hash and a sample of proofs the server
// serves, the rules, and that the page's own login is in the witnessed checkpoint. It sends the
// entries back only together with the verdict that they verified.
//
// The worker has no network access of its own: it asks the page for each answer (protocol.ts).
// Size: the tree is kept as one byte array (about 64 bytes an entry) besides the entries; in
// headless Chromium on the development machine 100,000 entries verify and display in seconds.

import { auditRun } from '../../../src/client/audit-run.ts';
import { formatState, parseState, StateFileProblem, type SavedPolicy } from '../../../src/client/audit-state.ts';
import { VerificationFailure, type LogSource, type Trusted } from '../../../src/client/audit-verifier.ts';
import {
  base64Encode,
  parseCosignerVerifier,
  parseVerifierKey,
  type CosignerVerifier,
  type Hash,
  type NoteVerifier,
} from '../../../src/core/tlog/index.ts';
import type { FromWorker, Outcome, SourceMethod, StartInput, ToWorker } from './protocol.ts';

const scope = self as unknown as { postMessage(message: FromWorker): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };
const post = (message: FromWorker): void => scope.postMessage(message);

let nextId = 1;
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();

function ask(method: SourceMethod, args: number[]): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    post({ type: 'call', id, method, args });
  });
}

const source: LogSource = {
  checkpoint: async () => String(await ask('checkpoint', [])),
  entries: async (start, end) => (await ask('entries', [start, end])) as string[],
  consistencyProof: async (from, to) => (await ask('consistencyProof', [from, to])) as Hash[],
  inclusionProof: async (index, size) => (await ask('inclusionProof', [index, size])) as Hash[],
  storedHashes: async (start, end) => (await ask('storedHashes', [start, end])) as Uint8Array,
};

/** The entry a verifier message names ("entry #12 …"), if any. */
function namedIndex(message: string): number | null {
  const m = /entry #(\d+)/.exec(message);
  return m ? Number(m[1]) : null;
}

const inputFailure = (code: 'log-key' | 'cosigner-key', message: string): Outcome => ({ type: 'failed', code, message, index: null });

async function verify(input: StartInput): Promise<Outcome> {
  let verifier: NoteVerifier;
  try {
    verifier = parseVerifierKey(input.logKey.trim());
  } catch {
    return inputFailure('log-key', 'not a log verifier key (name+keyid+key, as written by relais log-key)');
  }
  // The log's origin is the name of the key the auditor holds, as for `relais audit verify`.
  const origin = verifier.name;
  let trusted: Trusted | null = null;
  let saved: SavedPolicy | null = null;
  if (input.state !== null) {
    try {
      ({ trusted, policy: saved } = parseState(input.state, origin, verifier));
    } catch (e) {
      if (!(e instanceof StateFileProblem)) throw e;
      return { type: 'failed', code: 'state', message: e.message, index: null, stateProblem: e.problem };
    }
  }
  // The policy: what the auditor typed, else what their state file kept (as the CLI's flags).
  const typed = input.cosigners
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  let cosigners: CosignerVerifier[];
  try {
    cosigners = (typed.length > 0 ? typed : (saved?.cosigners ?? [])).map((k) => parseCosignerVerifier(k));
  } catch {
    return inputFailure('cosigner-key', 'a cosigner key is not a verifier key as written by relais cosigner keygen');
  }
  const quorum = input.quorum ?? saved?.quorum ?? (cosigners.length > 0 ? 1 : 0);
  const maxAgeSeconds = input.maxAgeSeconds ?? saved?.maxAgeSeconds ?? 900;
  if (quorum > cosigners.length)
    return inputFailure('cosigner-key', `the quorum ${quorum} is more than the ${cosigners.length} cosigner keys`);
  const policy = { origin, logVerifier: verifier, cosigners, quorum, maxAgeSeconds };

  const entries: string[] = [];
  let total = 0;
  try {
    const run = await auditRun({
      source: {
        ...source,
        // Only for the progress shown: the size is taken before the signature is checked.
        checkpoint: async () => {
          const note = await source.checkpoint();
          total = Number(note.split('\n')[1]) || 0;
          return note;
        },
      },
      policy,
      trusted,
      mode: 'full',
      ownSession: input.ownSession,
      waitSeconds: 10,
      onEntry: (index, entry) => {
        if (index !== entries.length) throw new Error('entries out of order');
        entries.push(entry);
        if (entries.length % 5000 === 0) post({ type: 'progress', done: entries.length, total });
      },
    });
    const verified = run.result.trusted;
    if (entries.length !== verified.checkpoint.size) throw new Error('not every entry was verified');
    const now = Date.now() / 1000;
    return {
      type: 'verified',
      origin,
      keyName: verifier.name,
      size: verified.checkpoint.size,
      root: base64Encode(verified.checkpoint.rootHash),
      previous: trusted?.checkpoint.size ?? null,
      entries,
      state: formatState(origin, verifier, verified, { cosigners: cosigners.map((c) => c.verifierKey), quorum, maxAgeSeconds }),
      cosigned: run.result.cosignatures.valid.map((v) => ({ name: v.name, age: Math.max(0, Math.round(now - v.timestamp)) })),
      cosigners: cosigners.length,
      quorum,
      maxAgeSeconds,
      ownLogin: run.ownLogin,
      rules: run.rules ?? { staffActions: 0, logins: 0, reportActions: 0, waitingForReceipt: 0, disclosuresFetched: 0 },
    };
  } catch (e) {
    if (e instanceof VerificationFailure) return { type: 'failed', code: e.kind, message: e.message, index: namedIndex(e.message) };
    return { type: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'start') {
    void verify(message).then(post, (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
    return;
  }
  const call = waiting.get(message.id);
  if (!call) return;
  waiting.delete(message.id);
  if ('value' in message) call.resolve(message.value);
  else if ('failure' in message) call.reject(new VerificationFailure(message.failure.kind, message.failure.message));
  else call.reject(new Error(message.error));
};
