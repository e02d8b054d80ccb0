// Merkle tree hashing per RFC 9162 §2.1 (identical to RFC 6962 §2.1), with SHA-256.
//
//   leaf hash  = SHA-256(0x00 || entry)
//   node hash  = SHA-256(0x01 || left || right)
//   empty tree = SHA-256("")                     (MTH({}) in RFC 9162 §2.1.1)
//
// The SHA-256 function is injectable because it dominates every cost in this module: the
// default is @noble/hashes (pure JS, runs in the browser, Node and Workers alike); a Node
// caller may pass one built on node:crypto; the one-shot crypto.hash (Node ≥ 20.12) is the
// fastest (bench/tlog.bench.ts measures all three):
//
//   import { hash } from 'node:crypto';
//   const hasher = createTreeHasher((m) => hash('sha256', m, 'buffer'));
//
// Every function of this module that hashes takes such a hasher as its last, optional argument
// (or, for Frontier, at construction) and defaults to defaultTreeHasher. Workers and browsers
// keep the default: WebCrypto's digest is asynchronous, which this synchronous interface (and
// the hot loops built on it) cannot use.
// A Sha256Fn must be synchronous, must not keep a reference to its input (the hasher reuses a
// scratch buffer between calls) and must return a fresh 32-byte array each time.
// createTreeHasher checks the function against known answers before using it.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../bytes.ts';
import { HASH_SIZE, assertBytes, assertHash } from './checks.ts';

/** A 32-byte SHA-256 value: a leaf hash, a node hash or a tree root. */
export type Hash = Uint8Array;

/** One-shot SHA-256: message bytes in, fresh 32-byte digest out. */
export type Sha256Fn = (message: Uint8Array) => Uint8Array;

/** The RFC 9162 §2.1 hashing strategy bound to one SHA-256 implementation. */
export interface TreeHasher {
  /** The SHA-256 function this hasher was built on (also used for key IDs elsewhere). */
  readonly sha256: Sha256Fn;
  /** SHA-256(0x00 || entry): the hash of one log entry (a leaf). */
  hashLeaf(entry: Uint8Array): Hash;
  /** SHA-256(0x01 || left || right): the hash of an interior node. */
  hashNode(left: Hash, right: Hash): Hash;
  /** MTH of the empty tree, SHA-256 of the empty string (a fresh copy each call). */
  emptyRoot(): Hash;
}

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// Known answers used to refuse a broken injected SHA-256 (FIPS 180-2 appendix B.1, and "").
const HEX_SHA256_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const HEX_SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

/**
 * Builds a TreeHasher on `sha256` (default: @noble/hashes sha256). Throws if the function does
 * not produce the SHA-256 known answers or returns a buffer it later overwrites.
 */
export function createTreeHasher(sha256: Sha256Fn = nobleSha256): TreeHasher {
  if (typeof sha256 !== 'function') throw new TypeError('sha256 must be a function');
  const empty = sha256(new Uint8Array(0));
  if (!(empty instanceof Uint8Array) || toHex(empty) !== HEX_SHA256_EMPTY) {
    throw new TypeError('sha256 does not compute SHA-256 of the empty string correctly');
  }
  const abc = sha256(new Uint8Array([0x61, 0x62, 0x63]));
  if (!(abc instanceof Uint8Array) || toHex(abc) !== HEX_SHA256_ABC) {
    throw new TypeError('sha256 does not compute SHA-256("abc") correctly');
  }
  // A function that reuses its output buffer would silently corrupt stored hashes.
  if (toHex(empty) !== HEX_SHA256_EMPTY) {
    throw new TypeError('sha256 must return a fresh array for each call');
  }
  const emptyRoot = Uint8Array.from(empty);

  // Scratch buffers: hashing a node or a leaf then costs no allocation besides the digest.
  const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE);
  nodeInput[0] = NODE_PREFIX;
  let leafInput = new Uint8Array(256);

  return {
    sha256,
    hashLeaf(entry: Uint8Array): Hash {
      assertBytes('entry', entry);
      if (leafInput.length < entry.length + 1) {
        leafInput = new Uint8Array(Math.max(entry.length + 1, leafInput.length * 2));
      }
      leafInput[0] = LEAF_PREFIX;
      leafInput.set(entry, 1);
      return sha256(leafInput.subarray(0, entry.length + 1));
    },
    hashNode(left: Hash, right: Hash): Hash {
      assertHash('left', left);
      assertHash('right', right);
      nodeInput.set(left, 1);
      nodeInput.set(right, 1 + HASH_SIZE);
      return sha256(nodeInput);
    },
    emptyRoot(): Hash {
      return Uint8Array.from(emptyRoot);
    },
  };
}

/** The default hasher, on @noble/hashes' SHA-256 (works in every runtime). */
export const defaultTreeHasher: TreeHasher = createTreeHasher();
