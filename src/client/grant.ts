// A current member gives the current members access to a report's earlier parts and messages
// (issue 14, DESIGN "Flows: Members change"), shared by `relais grant` and the console. For each
// sealed object whose key packets are not yet exactly for the current members, it fetches the
// object, decrypts only its session key with the member's own key (here, never on the server),
// checks that this key opens the data, and builds the new key packets: those already there for a
// current member's valid encryption key are kept as they are, one is added for each member who
// has none, the rest (members who left, expired subkeys) are dropped. The encrypted packet is not
// touched: the server splices the new key packets in front of its own copy of it.

import * as openpgp from 'openpgp';
import { concatBytes, toBase64 } from '../core/bytes.ts';
import type { GrantItem, GrantStatus } from '../core/wire.ts';
import { splitSealed } from '../core/witness-seal.ts';
import type { ApiClient } from './api.ts';
import { fetchSealedMessage, fetchSealedPart } from './staff.ts';

/** Items per request (the server's GRANT_BATCH). */
const BATCH = 32;

export interface GrantOutcome {
  ref: string;
  /** items whose key packets were replaced */
  granted: number;
  /** items already sealed to exactly the current members */
  current: number;
  /** items this member could not open (not sealed to their key, or damaged), with the reason */
  failed: { item: GrantItem; reason: string }[];
}

export function grantStatus(api: ApiClient, ref: string): Promise<GrantStatus> {
  return api.json('GET', `/api/v1/reports/${encodeURIComponent(ref)}/grant`);
}

/** Key IDs (hex) of a key's encryption keys that are valid now. */
async function validEncryptionIds(key: openpgp.PublicKey, now: Date): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const candidate of [key, ...key.subkeys]) {
    const id = candidate.getKeyID();
    if (
      await key.getEncryptionKey(id, now).then(
        () => true,
        () => false,
      )
    )
      ids.add(id.toHex());
  }
  return ids;
}

/** The new key packets of one sealed object, or the reason this member cannot make them. */
export async function newKeyPackets(
  sealed: Uint8Array,
  privateKey: openpgp.PrivateKey,
  recipients: openpgp.PublicKey[],
  now = new Date(),
): Promise<Uint8Array> {
  const message = await openpgp.readMessage({ binaryMessage: sealed });
  let sessionKey: openpgp.SessionKey;
  try {
    const keys = await openpgp.decryptSessionKeys({ message, decryptionKeys: privateKey, date: now });
    sessionKey = keys[0] as openpgp.SessionKey;
  } catch {
    throw new Error('not sealed to your key: another member must grant it');
  }
  // The session key must open the data (a key packet can carry any key): decrypt, then forget.
  try {
    await openpgp.decrypt({
      message: await openpgp.readMessage({ binaryMessage: sealed }),
      sessionKeys: sessionKey,
      format: 'binary',
    });
  } catch {
    throw new Error('its session key does not open it (damaged or tampered with)');
  }
  const existing = splitSealed(sealed).keyPackets;
  const packets: Uint8Array[] = [];
  const missing: openpgp.PublicKey[] = [];
  for (const key of recipients) {
    const ids = await validEncryptionIds(key, now);
    const kept = existing.find((p) => ids.has(p.keyId));
    if (kept) packets.push(kept.bytes);
    else missing.push(key);
  }
  if (missing.length > 0) {
    const added = (await openpgp.encryptSessionKey({
      data: sessionKey.data,
      algorithm: sessionKey.algorithm,
      encryptionKeys: missing,
      format: 'binary',
      date: now,
    })) as Uint8Array;
    packets.push(added);
  }
  return concatBytes(...packets);
}

/**
 * Grants the current members access to every object of `ref` this member may grant and that is
 * not already sealed to exactly them. Fetches are `keepUnread`: granting does not mark it read.
 */
export async function grantReport(
  api: ApiClient,
  ref: string,
  privateKey: openpgp.PrivateKey,
  options: { onItem?: (done: number, total: number) => void } = {},
): Promise<GrantOutcome> {
  const status = await grantStatus(api, ref);
  const keysOf = async (armored: string[] | undefined) => Promise.all((armored ?? []).map((a) => openpgp.readKey({ armoredKey: a })));
  const audienceKeys = { main: await keysOf(status.keys.main), identity: await keysOf(status.keys.identity) };
  const resident = status.residentKey ? await openpgp.readKey({ armoredKey: status.residentKey }) : null;
  const todo = status.items.filter((i) => !i.current);
  const outcome: GrantOutcome = { ref, granted: 0, current: status.items.length - todo.length, failed: [] };
  let pending: { target: GrantItem['target']; idx: number; keyPackets: string }[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const res = await api.json<{ granted: number }>('POST', `/api/v1/reports/${encodeURIComponent(ref)}/grant`, { items: pending });
    outcome.granted += res.granted;
    pending = [];
  };
  for (const [n, item] of todo.entries()) {
    options.onItem?.(n, todo.length);
    const sealed =
      item.target === 'part'
        ? await fetchSealedPart(api, ref, item.idx, { keepUnread: true })
        : await fetchSealedMessage(api, ref, item.idx, { keepUnread: true });
    const recipients = [...audienceKeys[item.audience], ...(item.resident && resident ? [resident] : [])];
    try {
      pending.push({ target: item.target, idx: item.idx, keyPackets: toBase64(await newKeyPackets(sealed, privateKey, recipients)) });
    } catch (e) {
      outcome.failed.push({ item, reason: (e as Error).message });
      continue;
    }
    if (pending.length >= BATCH) await flush();
  }
  await flush();
  options.onItem?.(todo.length, todo.length);
  return outcome;
}
