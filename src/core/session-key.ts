// OpenPGP session keys in the form GnuPG takes (`gpg --override-session-key ALGO:HEX`), for case
// exports (issue 15 §2): a court decrypts one sealed part with its session key, without anyone's
// private key. ALGO is the RFC 9580 symmetric algorithm id (7, 8, 9: AES-128, -192, -256).

import { fromHex, toHex } from './bytes.ts';

const IDS: Record<string, number> = { aes128: 7, aes192: 8, aes256: 9 };
const NAMES: Record<number, 'aes128' | 'aes192' | 'aes256'> = { 7: 'aes128', 8: 'aes192', 9: 'aes256' };
const LENGTHS: Record<number, number> = { 7: 16, 8: 24, 9: 32 };

export interface SessionKey {
  data: Uint8Array;
  algorithm: 'aes128' | 'aes192' | 'aes256';
}

export function formatSessionKey(key: { data: Uint8Array; algorithm: string | null }): string {
  const id = IDS[key.algorithm ?? ''];
  if (!id || key.data.length !== LENGTHS[id]) throw new Error('session key: not an AES session key');
  return `${id}:${toHex(key.data).toUpperCase()}`;
}

export function parseSessionKey(text: string): SessionKey | null {
  const m = /^([0-9]):([0-9A-Fa-f]+)\n?$/.exec(text);
  if (!m) return null;
  const id = Number(m[1]);
  const algorithm = NAMES[id];
  if (!algorithm || (m[2] as string).length !== 2 * (LENGTHS[id] as number)) return null;
  return { data: fromHex(m[2] as string), algorithm };
}
