// The page's side of the verification worker (worker.ts; DESIGN promise 7, issue 6 item 4): starts
// a fresh worker for each run, answers its requests from the log API through the auditor's
// session (src/client/audit-log-client.ts: every answer's shape is checked there, and a 401 ends the
// session), reports progress, and resolves with the worker's one verdict. The worker ends with the
// run; a logout reloads the page, which ends it too. The worker runs only once its bytes matched
// the hash this script carries (../checked-load.ts, DESIGN promise 11).

import { ApiClientError } from '../../../src/client/api.ts';
import { LogApi } from '../../../src/client/audit-log-client.ts';
import { VerificationFailure } from '../../../src/client/audit-verifier.ts';
import { CheckedWorker } from '../checked-load.ts';
import type { StaffSession } from '../staff/session.ts';
import { sessionLogId } from '../../../src/core/audit-entry.ts';
import type { FromWorker, Outcome, SourceMethod, StartInput, ToWorker } from './protocol.ts';

export type RunInput = Omit<StartInput, 'ownSession'>;

export interface Run {
  outcome: Promise<Outcome>;
  /** the last checkpoint the server served in this run (evidence when verification fails) */
  servedCheckpoint(): string | null;
}

export function startVerification(session: StaffSession, input: RunInput, onProgress: (done: number, total: number) => void): Run {
  const worker = new CheckedWorker('auditor-worker.js', { name: 'relais-audit' });
  const log = new LogApi(session.api);
  let served: string | null = null;
  const send = (message: ToWorker): void => worker.postMessage(message);

  const methods: Record<SourceMethod, (args: number[]) => Promise<unknown>> = {
    checkpoint: async () => (served = await log.checkpoint()),
    entries: ([start, end]) => log.entries(start ?? 0, end ?? 0),
    consistencyProof: ([from, to]) => log.consistencyProof(from ?? 0, to ?? 0),
    inclusionProof: ([index, size]) => log.inclusionProof(index ?? 0, size ?? 0),
    storedHashes: ([start, end]) => log.storedHashes(start ?? 0, end ?? 0),
  };

  const outcome = new Promise<Outcome>((resolve) => {
    const finish = (result: Outcome): void => {
      worker.terminate();
      resolve(result);
    };
    worker.onerror = () =>
      finish({
        type: 'error',
        message: worker.failure ? 'the verification worker did not match its hash' : 'the verification worker failed',
      });
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.type === 'progress') return onProgress(message.done, message.total);
      if (message.type !== 'call') return finish(message);
      const { id, method, args } = message;
      session
        .call(() => methods[method](args))
        .then(
          (value) => send({ type: 'reply', id, value }),
          (e: unknown) => {
            if (e instanceof VerificationFailure) send({ type: 'reply', id, failure: { kind: e.kind, message: e.message } });
            else send({ type: 'reply', id, error: e instanceof ApiClientError ? e.code : e instanceof Error ? e.message : String(e) });
          },
        );
    };
  });
  // Only the log id of the token crosses to the worker: it finds this run's own login with it.
  send({ type: 'start', ...input, ownSession: sessionLogId(session.api.token ?? '') });
  return { outcome, servedCheckpoint: () => served };
}
