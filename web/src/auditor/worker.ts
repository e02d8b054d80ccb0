// The auditor page's verification worker (DESIGN promise 7, issue 6 item 4): verifies the log
// with the same code as `relais audit verify` (src/client/audit-verifier.ts on the tlog core), off
// the page's main thread so that hashing a large log does not freeze the page. It checks the
// checkpoint's signature and origin with the log key the auditor loaded (never one from the
// server), its consistency with the auditor's state file if one was loaded (rollback, fork), and
// every entry's inclusion by rebuilding the tree from an empty frontier. It sends the entries back
// only together with the verdict that they verified.
//
// The worker has no network access of its own: it asks the page for each answer (protocol.ts).
// Size: in headless Chromium on the development machine, 100,000 entries verify and display in
// about 3 s, 300,000 in about 7 s, a million in about 30 s (≈300 MB of page memory, with the page
// never frozen for more than a second): comfortable up to a few hundred thousand entries.

import { VerificationFailure, verifyLog, type LogSource, type Trusted } from '../../../src/client/audit-verifier.ts';
import { base64Encode, parseVerifierKey, type Hash, type NoteVerifier } from '../../../src/core/tlog/index.ts';
import type { FromWorker, Outcome, SourceMethod, ToWorker } from './protocol.ts';
import { formatState, parseState, StateFileProblem } from '../../../src/client/audit-state.ts';

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
};

/** The entry a verifier message names ("entry #12 …"), if any. */
function namedIndex(message: string): number | null {
  const m = /entry #(\d+)/.exec(message);
  return m ? Number(m[1]) : null;
}

async function verify(logKey: string, stateText: string | null): Promise<Outcome> {
  let verifier: NoteVerifier;
  try {
    verifier = parseVerifierKey(logKey.trim());
  } catch {
    return {
      type: 'failed',
      code: 'log-key',
      message: 'not a log verifier key (name+keyid+key, as written by relais log-key)',
      index: null,
    };
  }
  // The log's origin is the name of the key the auditor holds, as for `relais audit verify`.
  const origin = verifier.name;
  let trusted: Trusted | null = null;
  if (stateText !== null) {
    try {
      trusted = parseState(stateText, origin, verifier);
    } catch (e) {
      if (!(e instanceof StateFileProblem)) throw e;
      return { type: 'failed', code: 'state', message: e.message, index: null, stateProblem: e.problem };
    }
  }
  const entries: string[] = [];
  let total = 0;
  try {
    const verified = await verifyLog({
      source: {
        ...source,
        // Only for the progress shown: the size is taken before the signature is checked.
        checkpoint: async () => {
          const note = await source.checkpoint();
          total = Number(note.split('\n')[1]) || 0;
          return note;
        },
      },
      origin,
      verifier,
      trusted,
      full: true,
      onEntry: (index, entry) => {
        if (index !== entries.length) throw new Error('entries out of order');
        entries.push(entry);
        if (entries.length % 5000 === 0) post({ type: 'progress', done: entries.length, total });
      },
    });
    if (entries.length !== verified.checkpoint.size) throw new Error('not every entry was verified');
    return {
      type: 'verified',
      origin,
      keyName: verifier.name,
      size: verified.checkpoint.size,
      root: base64Encode(verified.checkpoint.rootHash),
      previous: trusted?.checkpoint.size ?? null,
      entries,
      state: formatState(origin, verifier, verified),
    };
  } catch (e) {
    if (e instanceof VerificationFailure) return { type: 'failed', code: e.kind, message: e.message, index: namedIndex(e.message) };
    return { type: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'start') {
    void verify(message.logKey, message.state).then(post, (e: unknown) =>
      post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return;
  }
  const call = waiting.get(message.id);
  if (!call) return;
  waiting.delete(message.id);
  if ('value' in message) call.resolve(message.value);
  else if ('failure' in message) call.reject(new VerificationFailure(message.failure.kind, message.failure.message));
  else call.reject(new Error(message.error));
};
