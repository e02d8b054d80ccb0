// The custodians' side of a witness's record (issue 15 §5), shared by the console: mark the
// witness as contacted, write a note sealed to exactly the custodians of that witness (the keys
// the server gives with the witness), read the notes back, each decrypted with the custodian's
// own key (each fetch logged).

import type * as openpgp from 'openpgp';
import { openSealedPart, readPublicKeys, sealEnvelope } from '../core/seal.ts';
import type { ApiClient } from './api.ts';

export interface CustodyNote {
  idx: number;
  memberId: string;
  kind: 'contacted' | 'note';
  at: number;
  size: number;
}

const base = (number: string) => `/api/v1/witnesses/${encodeURIComponent(number)}`;

export async function listCustodyNotes(api: ApiClient, number: string): Promise<CustodyNote[]> {
  return (await api.json<{ notes: CustodyNote[] }>('GET', `${base(number)}/notes`)).notes;
}

export async function markContacted(api: ApiClient, number: string): Promise<void> {
  await api.json('POST', `${base(number)}/contacted`);
}

export async function addCustodyNote(api: ApiClient, number: string, custodianKeys: string[], text: string): Promise<void> {
  const sealed = await sealEnvelope(
    { kind: 'note', contentType: 'text/plain; charset=utf-8', content: new TextEncoder().encode(text) },
    await readPublicKeys(custodianKeys),
  );
  const form = new FormData();
  form.set('meta', JSON.stringify({ parts: ['note'] }));
  form.set('part-0', new Blob([sealed as Uint8Array<ArrayBuffer>]), 'sealed');
  await api.request('POST', `${base(number)}/notes`, form);
}

export async function openCustodyNote(api: ApiClient, number: string, idx: number, key: openpgp.PrivateKey): Promise<string> {
  const envelope = await openSealedPart(await api.bytes(`${base(number)}/notes/${idx}`), key);
  return new TextDecoder().decode(envelope.content);
}
