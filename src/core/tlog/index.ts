// Transparency-log core of Relais (promise 7: every staff action and config change is in a
// tamper-evident log that auditors verify without trusting the server). Pure TypeScript on
// Web-standard APIs, @noble/hashes and @noble/curves: runs in the browser, Node and Workers.
//
// Modules, each with its own header:
//   hasher.ts            RFC 9162 §2.1 leaf/node hashing; injectable SHA-256
//   verify.ts            inclusion (§2.1.3.2) and consistency (§2.1.4.2) proof verification
//   frontier.ts          compact range [0, n): append, root, verify appended entries
//   stored-index.ts      stable numbering of stored subtree hashes (as Go's sumdb/tlog)
//   stored-tree.ts       HashReader; append, tree hash, inclusion and consistency proofs
//   memory-hash-store.ts in-memory HashReader (tests, benchmarks, demos)
//   note-keys.ts         C2SP signed-note Ed25519 keys (verifier/signer key strings)
//   note.ts              C2SP signed-note sign/open
//   checkpoint.ts        C2SP tlog-checkpoint format/parse/sign/open
//   cosignature.ts       C2SP tlog-cosignature Ed25519 cosignature/v1 keys, sign, verify
//   witness-protocol.ts  C2SP tlog-witness add-checkpoint request and answer bodies
//   flat-hash-store.ts   a whole stored-hash tree in one byte array (the auditor's own copy)
//
// Log server, per batch of new entries (leaves are opaque byte arrays):
//   const leafHashes = entries.map((e) => hasher.hashLeaf(e));
//   const { startIndex, hashes, frontier } = await storedHashesForAppend(oldSize, leafHashes, store);
//   // write hashes[i] at stored index startIndex + i, in the same transaction as the entries
//   const note = signCheckpoint({ origin, size: frontier.size, rootHash: frontier.root(), extensions: [] }, logSigner);
//
// Auditor, with its saved frontier of the last verified checkpoint:
//   const { checkpoint } = openCheckpoint(message, { origin, logVerifier });
//   const next = verifyAppendedEntries(saved, newEntries, checkpoint.size, checkpoint.rootHash);
//   if (next === null) → the log lied, forked or rolled back; else save `next`.
export { HASH_SIZE, bytesEqual } from './checks.ts';
export { createTreeHasher, defaultTreeHasher, type Hash, type Sha256Fn, type TreeHasher } from './hasher.ts';
export { verifyInclusion, verifyConsistency, rootFromInclusionProof, type InclusionClaim, type ConsistencyClaim } from './verify.ts';
export { Frontier, verifyAppendedEntries } from './frontier.ts';
export { MAX_STORED_TREE_SIZE, storedHashCount, storedHashIndex, splitStoredHashIndex } from './stored-index.ts';
export {
  proveConsistency,
  proveInclusion,
  readFrontier,
  storedHashesForAppend,
  treeHash,
  type AppendResult,
  type HashReader,
} from './stored-tree.ts';
export { MemoryHashStore } from './memory-hash-store.ts';
export { base64Decode, base64Encode } from './base64.ts';
export { NoteError, type NoteErrorCode } from './errors.ts';
export {
  ED25519_SIGNATURE_TYPE,
  encodeSignerKey,
  encodeVerifierKey,
  formatKeyId,
  generateSignerKey,
  isValidKeyName,
  noteKeyId,
  parseSignerKey,
  parseVerifierKey,
  type NoteSigner,
  type NoteVerifier,
} from './note-keys.ts';
export { MAX_NOTE_BYTES, MAX_NOTE_SIGNATURES, openNote, signNote, type NoteSignature, type OpenedNote } from './note.ts';
export {
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  type Checkpoint,
  type OpenCheckpointOptions,
} from './checkpoint.ts';
export type { SubtreeId } from './tree-math.ts';
export { FlatHashStore } from './flat-hash-store.ts';
export {
  COSIGNATURE_V1_TYPE,
  cosign,
  cosignatureTimestamp,
  cosignedMessage,
  cosignerKeyId,
  encodeCosignerKey,
  encodeCosignerVerifier,
  generateCosignerKey,
  parseCosignerKey,
  parseCosignerVerifier,
  verifyCosignature,
  type CosignerSigner,
  type CosignerVerifier,
} from './cosignature.ts';
export {
  formatAddCheckpoint,
  MAX_PROOF_LINES,
  parseAddCheckpoint,
  parseTlogSize,
  TLOG_SIZE_TYPE,
  type AddCheckpointRequest,
} from './witness-protocol.ts';
