// Known-answer vectors from independent implementations, each cited where it is used.
// Only the values are copied; every computation here is Relais's own code.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { Frontier } from '../../src/core/tlog/frontier.ts';
import { storedHashCount, storedHashIndex, splitStoredHashIndex } from '../../src/core/tlog/stored-index.ts';
import { proveConsistency, proveInclusion, treeHash } from '../../src/core/tlog/stored-tree.ts';
import { defaultTreeHasher } from '../../src/core/tlog/hasher.ts';
import { verifyConsistency, verifyInclusion } from '../../src/core/tlog/verify.ts';
import { fromB64, fromHex, storeOf, toB64, toHex, utf8 } from './helpers.ts';

// ---------------------------------------------------------------------------------------------
// RFC 6962 reference leaves and hashes, as published in github.com/transparency-dev/merkle
// testonly/constants.go (LeafInputs, NodeHashes, RootHashes, CompactTrees; commit 417fb0c3),
// which inherited them from github.com/google/certificate-transparency-go.
// ---------------------------------------------------------------------------------------------
const CT_LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(fromHex);

/** NodeHashes()[level][index]: every perfect subtree of the 8-leaf tree. */
const CT_NODE_HASHES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  ['d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];

/** RootHashes(): MTH of the first n reference leaves, n = 0..8. */
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** CompactTrees(): the frontier of each size 0..8, as [level, index] into CT_NODE_HASHES. */
const CT_FRONTIERS: [number, number][][] = [
  [],
  [[0, 0]],
  [[1, 0]],
  [
    [1, 0],
    [0, 2],
  ],
  [[2, 0]],
  [
    [2, 0],
    [0, 4],
  ],
  [
    [2, 0],
    [1, 2],
  ],
  [
    [2, 0],
    [1, 2],
    [0, 6],
  ],
  [[3, 0]],
];

// Inclusion and consistency proofs over the reference leaves, from transparency-dev/merkle
// proof/verify_test.go at commit eb3bd591 (inclusionProofs, consistencyProofs), where leaf
// numbers were 1-based; converted here to 0-based leaf indexes.
const CT_INCLUSION_PROOFS: { index: number; size: number; proof: string[] }[] = [
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  { index: 0, size: 1, proof: [] },
];

const CT_CONSISTENCY_PROOFS: { oldSize: number; newSize: number; proof: string[] }[] = [
  { oldSize: 1, newSize: 1, proof: [] },
  {
    oldSize: 1,
    newSize: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    oldSize: 6,
    newSize: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

describe('RFC 6962 reference vectors (certificate-transparency-go, transparency-dev/merkle)', () => {
  const store = storeOf(CT_LEAF_INPUTS);

  test('the RFC 6962 hasher vectors of transparency-dev/merkle rfc6962_test.go come out', () => {
    // rfc6962/rfc6962_test.go (commit 417fb0c3): empty tree, empty leaf, leaf "L123456", and
    // the node of the raw 4-byte children "N123" and "N456" (hashNode only takes 32-byte
    // children, so that one is SHA-256(0x01 || "N123" || "N456") through the hasher's SHA-256).
    expect(toHex(defaultTreeHasher.emptyRoot())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(defaultTreeHasher.hashLeaf(new Uint8Array(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(toHex(defaultTreeHasher.hashLeaf(utf8('L123456')))).toBe('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56');
    const nodeInput = Uint8Array.from([0x01, ...utf8('N123'), ...utf8('N456')]);
    expect(toHex(defaultTreeHasher.sha256(nodeInput))).toBe('aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb');
  });

  test('the root of every prefix of the reference leaves is the published root', async () => {
    for (let n = 0; n <= 8; n++) {
      expect(toHex(await treeHash(n, store)), `size ${n}`).toBe(CT_ROOTS[n]);
    }
  });

  test('every perfect subtree hash is stored at its stored index with the published value', () => {
    CT_NODE_HASHES.forEach((level, l) =>
      level.forEach((want, i) => expect(toHex(store.hashAt(storedHashIndex(l, i))), `level ${l} index ${i}`).toBe(want)),
    );
  });

  test('the frontier of every size is the published compact tree', () => {
    const frontier = Frontier.empty();
    for (let n = 0; n <= 8; n++) {
      if (n > 0) frontier.appendEntry(CT_LEAF_INPUTS[n - 1]!);
      const want = CT_FRONTIERS[n]!.map(([l, i]) => CT_NODE_HASHES[l]![i]!);
      expect(frontier.hashes.map(toHex), `size ${n}`).toEqual(want);
      expect(toHex(frontier.root())).toBe(CT_ROOTS[n]);
    }
  });

  test.each(CT_INCLUSION_PROOFS)(
    'the inclusion proof of leaf $index in the tree of size $size is the published one and verifies',
    async ({ index, size, proof }) => {
      const generated = await proveInclusion(index, size, store);
      expect(generated.map(toHex)).toEqual(proof);
      const leafHash = fromHex(CT_NODE_HASHES[0]![index]!);
      const claim = { leafIndex: index, treeSize: size, leafHash, proof: proof.map(fromHex), rootHash: fromHex(CT_ROOTS[size]!) };
      expect(verifyInclusion(claim)).toBe(true);
      expect(verifyInclusion({ ...claim, rootHash: fromHex(CT_ROOTS[size - 1]!) })).toBe(false);
    },
  );

  test.each(CT_CONSISTENCY_PROOFS)(
    'the consistency proof from size $oldSize to $newSize is the published one and verifies',
    async ({ oldSize, newSize, proof }) => {
      const generated = await proveConsistency(oldSize, newSize, store);
      expect(generated.map(toHex)).toEqual(proof);
      const oldRoot = fromHex(CT_ROOTS[oldSize]!);
      const claim = { oldSize, newSize, oldRoot, newRoot: fromHex(CT_ROOTS[newSize]!), proof: proof.map(fromHex) };
      expect(verifyConsistency(claim)).toBe(true);
      expect(verifyConsistency({ ...claim, oldRoot: fromHex(CT_ROOTS[oldSize - 1]!) })).toBe(false);
    },
  );

  test('the transparency-dev verifier probes for empty and equal sizes get the published verdicts', () => {
    // testdata/consistency/additional/*.json and testdata/inclusion/{single-entry,1}/*.json of
    // transparency-dev/merkle (commit 417fb0c3), those whose hashes are all 32 bytes.
    const e = fromB64('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    // "consistency check on empty tree (size1 is zero) is useless"
    expect(verifyConsistency({ oldSize: 0, newSize: 1, oldRoot: e, newRoot: e, proof: [e] })).toBe(false);
    // "sizes match but proof is not empty and sizes are one" / "… are zero"
    expect(verifyConsistency({ oldSize: 1, newSize: 1, oldRoot: e, newRoot: e, proof: [e] })).toBe(false);
    expect(verifyConsistency({ oldSize: 0, newSize: 0, oldRoot: e, newRoot: e, proof: [e] })).toBe(false);
    // "matching root and leaf": a one-leaf tree's root is its leaf hash.
    const leaf = fromB64('DTrtAjFI/9KiWfvQzcf7PPl1ZYdg03dbgq9vkKrMLfw=');
    expect(verifyInclusion({ leafIndex: 0, treeSize: 1, leafHash: leaf, proof: [], rootHash: leaf })).toBe(true);
    // "inserted component" in the 8-leaf proof of leaf 0.
    const proof0 = CT_INCLUSION_PROOFS[0]!.proof.map(fromHex);
    const inserted = [proof0[0]!, fromB64('q6yroAAAAAAAAAAAAAAAAAAAAAAAAAAAAGAGHgASNFY='), proof0[1]!, proof0[2]!];
    const leaf0 = fromHex(CT_NODE_HASHES[0]![0]!);
    const claim = { leafIndex: 0, treeSize: 8, leafHash: leaf0, proof: inserted, rootHash: fromHex(CT_ROOTS[8]!) };
    expect(verifyInclusion(claim)).toBe(false);
    expect(verifyInclusion({ ...claim, proof: proof0 })).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// draft-ietf-plants-merkle-tree-certs, appendix "Subtree Test Vectors", as reproduced by
// transparency-dev/merkle testonly/vectors_test.go (commit 417fb0c3): over the tree with
// d[i] = the single byte i (130 leaves), every valid subtree [start, end) (start = 0, or start
// a multiple of the smallest power of two ≥ end - start) is folded into one running SHA-256.
// A subtree's hash is the MTH of its leaves, and its inclusion proof is PATH within it, so
// these exercise MTH and PATH for every size ≤ 130 at every aligned offset.
// ---------------------------------------------------------------------------------------------
const PLANTS_MAX = 130;
const PLANTS_SUBTREE_HASH_DIGEST = 'b82806ad4265bb151c1119c0f4db437bb4d1a1f887b3a7fba1cd4ebf552e3e81';
const PLANTS_SUBTREE_INCLUSION_DIGEST = 'ac2a8f989e44d99e399db448050ff5f19757df53cfb716aa81015d3955d8163f';

function isValidSubtree(start: number, end: number): boolean {
  if (start === 0 || start === end) return true;
  let ceil = 1;
  while (ceil < end - start) ceil *= 2;
  return start % ceil === 0;
}

describe('draft-ietf-plants-merkle-tree-certs subtree vectors (sizes up to 130)', () => {
  const leaves = Array.from({ length: PLANTS_MAX }, (_, i) => Uint8Array.of(i));
  // One stored tree per start offset: the subtree [start, end) is its prefix of end - start leaves.
  const storesByStart = new Map<number, ReturnType<typeof storeOf>>();
  const storeFrom = (start: number) => {
    if (!storesByStart.has(start)) storesByStart.set(start, storeOf(leaves.slice(start)));
    return storesByStart.get(start)!;
  };

  test('the running digest of every subtree hash is the published one', async () => {
    const digest = createHash('sha256');
    for (let end = 0; end <= PLANTS_MAX; end++) {
      for (let start = 0; start <= end; start++) {
        if (!isValidSubtree(start, end)) continue;
        const hash = await treeHash(end - start, storeFrom(start));
        digest.update(`[${start}, ${end}) ${toHex(hash)}\n`);
      }
    }
    expect(digest.digest('hex')).toBe(PLANTS_SUBTREE_HASH_DIGEST);
  });

  test('the running digest of every subtree inclusion proof is the published one', async () => {
    const digest = createHash('sha256');
    for (let end = 0; end <= PLANTS_MAX; end++) {
      for (let start = 0; start <= end; start++) {
        if (!isValidSubtree(start, end)) continue;
        for (let index = start; index < end; index++) {
          const proof = await proveInclusion(index - start, end - start, storeFrom(start));
          digest.update(`${index} [${start}, ${end})${proof.map((h) => ` ${toHex(h)}`).join('')}\n`);
        }
      }
    }
    expect(digest.digest('hex')).toBe(PLANTS_SUBTREE_INCLUSION_DIGEST);
  });
});

// ---------------------------------------------------------------------------------------------
// Go's golang.org/x/mod/sumdb/tlog. Its tlog_test.go (TestTree) appends the records
// "leaf 0" … "leaf 99" and checks its functions against each other without printing literal
// hashes, so the values below were obtained by running that package (golang/mod commit
// d58be1cb, Go 1.19) on exactly those records: the tree hash after each record, the stored
// hash counts and indexes, one record proof and one tree proof. note_test.go's TestFormatTree
// gives the record hash of "hello world".
// ---------------------------------------------------------------------------------------------
const GO_TREE_HASHES = [
  'G7l9zCFjXUfiZj79/QoXRobZjdcBNS3SzQbotD/T0wU=',
  '/F9riP+FVPdbsvnm85wxsZNtRLaSdu33sSBalVuXYeM=',
  '1Pksj7uJcg6ztVZ3x9fvrd/rENEaGoSguo8aIzN/qpU=',
  'T2MQhKFXxU9U/Psj/164ZQxLoWDClbsTqYMrEJ1SZ34=',
  'NBUVmC1lDiNSDb1U1/zwr6G3DMOhakEdRk3JwayWwwE=',
  'g2PDghzkHrtGIiEWpCzIPbp1OYSyPPyiaqrQpoZzNuo=',
  'WmH8K1T5z6cXdPJDIUPdQMbLKxGUf69lp9PaXLZRmcg=',
  'xcLIIO00L92ozolra5z1uMAKIcxLIHFMxuXTwFw1JAs=',
  'dEfK3Ghisw3tyyjEsymQk2azvTOPapD++tzEsqiiuUg=',
  'ct4a9vGtKFse8PlpyZ48AOPDLDfzo8JgUgmR0mPSX30=',
  'tubAHcNe8yoG1ShcXR8u5hcSynqvU9EI/ULCvRwUFgc=',
  'lX3TX93QjSnIRIF3UWVIaJbUdNs53IEpznV7Bo7LAus=',
  'z5tMKkSnyqci1dVI7mT/kKEZsMMaysNETcWDAAo508o=',
  'm15OWKRPw503s2otFeVhoeqYZB4a8k/m/HpzU+tbLpc=',
  'fVzzjAuL1L7jzmFz9tz5qEGoP+KqOuhVpFCx/Y/vZPk=',
  'cUopKYyn2GQ5dRAFaUmcIwnoOm8vlwkC3EbvMuvBsA8=',
  'Ru8bykxkgM1l5Q4pzBw3XbNnEc1QJF7NPmsxDG4qOD8=',
  'gmeNWF41rS5PD4UaEogUb+2vi5nztSEdpTJqMLBE9r8=',
  'V5i6F5ZaOomE5FzyPUqMS6Vi5IrWK1LPf4bXRYz9L48=',
  'xp6QHXSCwRuHMg1lie9OEGGrDS17MuzFR5lG+9Rbwwo=',
  'u/rr0fEoPFJYd+y4/miazZqe5Pd66fTl8uMNXR2TB+k=',
  'kcRlxT2LMuGQedMsXrOLKdIEAMtcU8Wk0xhsxySA2ng=',
  'igPqPb21dO+GT4SBfXopDlNqVbdcrYVHhP6X1MhE2bA=',
  'FffQK5OWAp4d51CsUvruQZrfW1dbKNm7HtDXDjv6rg8=',
  'hQWyDRd7GNWIWACKkLKCHjJgEqkv8TYtPQMg/rjD8Rg=',
  '4XJ1XgJ4ZwG3y/PXxtPunRhAczIPgLrKlFeQg/wepmI=',
  '3UP6JiaT00SAOFEab5k/yqbeEjAdOBvKfDaVYw6FlL0=',
  'SOQBSDdOW4HBE+OMCZMUjKgwv3mVYORdhvBRcMIoCsY=',
  'XBxb/o2jQhnkOxsZlKXkgnBSLfhYX17ysu+fpxwkqVE=',
  'oIChZj1kPH41qqYjVm9rPaKgsXnQNME/gsib+ZnYwsY=',
  'nmikCPYNU7C/+W53WD/35id8hHNxfxVgFj8yfB6UVc8=',
  'mltaKilXHK09gVVfNL8yVv2lYnlpHN7DT1fI9ISss/o=',
  '0IoDeSW+ZpQVxQLyjOW7Vc1g3mlXjXWSc5v1dZ+x+Qo=',
  'irL9yKVlGLCzYDcgD38Cdv1fOGLDz1uxjLyQ+T68uoQ=',
  'pZg7Qc2224yYYDOr+a3jLJ8/J/ZiJ7HwjS7sFyKgqfQ=',
  '8erFMNbIjp4CRvMCoG3+KX1Gy0z9QvCC2G8C1WGQ2+U=',
  '/HtzXVSOrQ5/vpHJt/ZXDg114baS2ri7oGd7Hf6cNL0=',
  'y82AL0aLmX/sxqfNFb/QroUTAw8Tblcv2iYujj/1clw=',
  'EU1jNfJbYcjZww0bSAete3ing3AYsS4vb+36AW5GTy0=',
  '6MRlRjK7/XT12oCWEC0RFdX+olx9GpBQ5+n3vf/Ifr8=',
  'ElizqEocMYVl1hYM1o/9HFcw2xGrnNMPbOIRn9IZNak=',
  'XkpQBYTolpNTxdzMXHMlLCsCtaK1Uah3nDE9+KCqCy4=',
  'OC3AJ88xC/OPMPV7MUSoTUrO6ld6v9+/9UB/hd3mxr0=',
  'VvnmKxXG0S3RfCZKctvCZ1Gli+XdOxncCrG19b2QAEk=',
  'IRLu3kQgkWkM6R1mwjXM3caKD5RHHbDTAMO+07oXazA=',
  'LaCHJT1SjXxTVI4C8M0ulvD7li38nDA47Ni1RdzNQW8=',
  'y7Q0RpO5iQNUFynIS8D+fOB5PyrkCUUQ0W3PiiYH5SE=',
  'rlwHKmC5Ech2Is/6nUqVQqoeytXGn0Ci1brfh1h8JpM=',
  '0DBxcMi6XI90J/x9I3igVzH3y4sB7mV8m03TzxcZO0w=',
  '2i3+EwbTNd/uesSwvMBGJMJcv2DTDhi+M9qpqyvZmhU=',
  '+nUvfCx4f2BwVrdS+A2Jca41qWdy6L9y6txQ0j5s0qM=',
  '5/4iIDQVhr7VE4D8sr9xSBf8LgXzN5lb63pVO66dBoI=',
  'MQmdrbrikKshfIAcONYBUU7+SLBZR5Qd16V/BztzE3c=',
  '5004F1F/Lv4rGwCN7jkjeIAm+UCdtdFrjMbl6YcSeNs=',
  '+2CGul8jJYUueBq3un+najjdGGZO2eG8S27m3BBhRz8=',
  'PK93Gl1B75b1rt4OeG5FcLQiUZFcaG5Jz/op3AuRERk=',
  'N29xrAnm+PlQTUjy+sRXEBcXdRMZt/964zzYNE7E+8g=',
  'TE4HMbZJzy67OFTgoi5VBH2VxKOPVsAjxkz9o8XmrT0=',
  '4oKNYHkNS2FVrdNC9f6iRmMV9gUrJ280Wv6Wp2u39Vg=',
  'HUkuRu2qPcd0umjfXreAXeIBA4WAHDLPWdnR5PmsrgE=',
  'eN3EjNrXUPYU47vV1FGPyvLjHGqYrcKOII41eoDwwdQ=',
  'mMBqfzsBJ+cstWylKFrCbFNapRLL9YXCLxZwiiD83Vk=',
  'H3WYHfq4Kij2GXPYlJOegMjAct8hhhmRkcQB7QupFGA=',
  '8mHiNpLZeP2sP9lJ21SVlApDeuZxuabd6aphGNADZS8=',
  'o4KbRTCK3aUFHFLCd3VqMyLKj3XEGsI7Oyo2s5z46W0=',
  'n3XIn5m13v00Y7uL1PUmxR3pwOUy+qgpWZY1psxV9Qw=',
  'G0nUteg+rIN+RImhir02avFKQrkgnWgFFQt6FXuozPU=',
  'hz6hA6y5UEtEdxTYlq1fDC83kB2KWZedF10Dq3wRjB0=',
  'ZVf7bGHyRQws0J7YO93Oh6tLatMlSO9dxVubGvAkdJ8=',
  'SeJHSmsEKLdUxkaBHb7ZRaXhut+kkG5C9Gr2cxr+KMw=',
  'vHHAPWX5KSXYJT86p8MvEkZlCqfUhiGpsJhX2b1Wxwk=',
  'CYEFk5NnpoTsgzg/h22fHa5YrQ3ChB+ROlEaTHtl6+Q=',
  'tZnU12d1f7XjhEct4RBzh1T9nlmwGDelT0e2jp84i00=',
  '5Iu0xu55Gw1sStRoxmUaDt0MMuF5l6t9Q94Yym4hhMY=',
  '4abbyYzvQLEWVgikMVWuA6io8l33/xMoLii8Ugcb5eg=',
  'H6DeVz2eWVL4qZbO2/eqJvtjx8cy3Sn2oETiYZwnUmw=',
  'WpJ3BL7q9hkH8uvO/pqTYL3PM8qRXRCIXISRs4wK0KM=',
  'BRXYenlbwJVPuepI4rtwuaFe18orFiLcKzGL4Hpq/l0=',
  'TRchnowbw6iG4aP+8OO4O+BAo6m5H36vJiLpevGh2WM=',
  'SKFyjnV9NAcSgQu/B26a5dxUnSi4IEuToEAnTS3cSmg=',
  '+kGLkBHjHzAVC9X/X0p1xJi4Hr1YoVA14THl/Oy9YhA=',
  '/LOXdELkYyME5tSf+OiUweJ8WY/L8U2BFRziWgjE1QA=',
  'p1df+UgUEMXpPPnu6+CuEQfRbpT+1PwLG8sQG638wYg=',
  '4hW2kYCtvSVlBrB8u7yHPpA/C5OAmQoKHwQ2g7grMSs=',
  'VpgJYQds60E/DUElscdfP+BpIPmqtac+D/Q/rpYAhHQ=',
  'YAhuVdG+3e0EMOBa7cp1spb8pRTDW+Y4UN93zIM8vEk=',
  'MZNA1Ql+fAcwFa6PK0oYvO4LJ7DLZf4Gc2xad7EkL4g=',
  '9RmBza3XSyk4FF3sj9HVC5otIo1phb1fZsTlv08EaP8=',
  'EhpAs397J9KrFCuS2uNdk1xlIzPkBfA7nOVq8+pwX1A=',
  'lc4QOUGQkVUtwBFpvEr9uPHkCUUPzEgBWfrtXkZWQkM=',
  'HOd60oFl5DewHNNnu5rubB7PLWjK4hKfAFxygFx+UmY=',
  'ilJpaOTuVi/Pt4+IiR1n62EOo2yKY8i9ckhLscHf2Fs=',
  'OyuRONiJ8yPWV/b+Pa+VLqswF7ZKLBzhJN70fCx5TLo=',
  'dpwbKJ9gd7eladCk4wMCN0Q7tq3spKYcVBbS1xhwP88=',
  '+VWassX0UMsMiMlEeynhWiL4BUH9J5nSX94VrFZVuuI=',
  'W7ir6tbTypkvxSyc9cwFB+uRyBZxjXfzwV073X88vVM=',
  'ESpoAVrlH7/8JyRRic0QlSL1C5pIc1rK0QhZfR/vim0=',
  'XiRpaW6dcR9/XH/uJSMATKVpRrXU0O8oTJRQT0Wbl+o=',
  'dIXMo/ZnfEi/1G3nbwd/PshCm7qSdUxAbXjOMfB1eG0=',
  'E/iJFcVg3JEaHaD7IJ2EoglxBR8pTr60KPs/wpOvJ0M=',
];

/** [level, n, StoredHashIndex(level, n)] */
const GO_STORED_INDEXES: [number, number, number][] = [
  [0, 0, 0],
  [0, 1, 1],
  [1, 0, 2],
  [0, 2, 3],
  [0, 3, 4],
  [1, 1, 5],
  [2, 0, 6],
  [0, 4, 7],
  [0, 7, 11],
  [3, 0, 14],
  [1, 5, 20],
  [2, 3, 28],
  [0, 100, 197],
  [5, 3, 252],
  [0, 1000000, 1999993],
  [10, 7, 16379],
  [0, 2 ** 40 + 5, 2199023255559],
];

/** [n, StoredHashCount(n)] */
const GO_STORED_COUNTS: [number, number][] = [
  [0, 0],
  [1, 1],
  [2, 3],
  [3, 4],
  [4, 7],
  [5, 8],
  [7, 11],
  [8, 15],
  [100, 197],
  [1000000, 1999993],
  [2 ** 40 + 5, 2199023255559],
];

/** ProveRecord(100, 37) and ProveTree(100, 57) over the 100 records. */
const GO_RECORD_PROOF_100_37 = [
  's0iJOUVkKQwAxsx9UEPV48IZlITDAcEYKvNGdY3fEbQ=',
  'OFkRC2Ia2bvMlPrsumkqr45ay32xXRqkGmqk4mmKIGk=',
  'W+d7jKTb7oTFmtC8yxfVbHM3UNCm0beA3j2Olp3QMWI=',
  'IFQ7jalskgBDvkqooacH36ByRDZ2D7pWPDROL9wwqIU=',
  'nElKb1se8i1C8FCfRZNrilwF6OoGvvi0IyTxX9Usl9Y=',
  'mltaKilXHK09gVVfNL8yVv2lYnlpHN7DT1fI9ISss/o=',
  'Ww8HmgYW6QBAbUdlvADEdLQtGc3Ps/Qs678QKnwkB/w=',
];
const GO_TREE_PROOF_100_57 = [
  'gaDqTk812cHVYaZG6oWVS6TUaqvSbf48bGsuT270wd4=',
  'SOG/V61/knkEWtfRbRPTeSlYbAemKP9+pUlk7aqCxSY=',
  'rJh+58Ax0de35CokwVBuFnDJ82MIVKUn3Cov4/iTaDQ=',
  'zE497oduI5+MTA3tdwrPOsfCPV+8JD3feEMkr2NQv90=',
  'HBbHcD9JBzR3smss3txRmrBvZGvEJ4MyNsCZhCqUZxA=',
  'GQca8m7eWv6Vl/QdC+Y/vAP9QrBa/lzvWiUXqBYOcxY=',
  'mltaKilXHK09gVVfNL8yVv2lYnlpHN7DT1fI9ISss/o=',
  'Ww8HmgYW6QBAbUdlvADEdLQtGc3Ps/Qs678QKnwkB/w=',
];

describe('Go sumdb/tlog vectors (TestTree\'s records "leaf 0" … "leaf 99")', () => {
  const records = Array.from({ length: 100 }, (_, i) => utf8(`leaf ${i}`));
  const store = storeOf(records);

  test('the tree hash after each of the 100 records is the one Go computes', async () => {
    expect(GO_TREE_HASHES).toHaveLength(100);
    for (let n = 1; n <= 100; n++) {
      expect(toB64(await treeHash(n, store)), `size ${n}`).toBe(GO_TREE_HASHES[n - 1]);
    }
  });

  test('stored hash indexes and counts are the ones Go computes, and split back', () => {
    for (const [level, n, index] of GO_STORED_INDEXES) {
      expect(storedHashIndex(level, n), `level ${level} n ${n}`).toBe(index);
      expect(splitStoredHashIndex(index)).toEqual({ level, index: n });
    }
    for (const [n, count] of GO_STORED_COUNTS) expect(storedHashCount(n), `size ${n}`).toBe(count);
    expect(store.storedCount).toBe(197);
  });

  test('the record proof and tree proof are the ones Go computes, and verify', async () => {
    const root = await treeHash(100, store);
    expect(toB64(root)).toBe('E/iJFcVg3JEaHaD7IJ2EoglxBR8pTr60KPs/wpOvJ0M=');
    const recordProof = await proveInclusion(37, 100, store);
    expect(recordProof.map(toB64)).toEqual(GO_RECORD_PROOF_100_37);
    const leafHash = defaultTreeHasher.hashLeaf(records[37]!);
    expect(verifyInclusion({ leafIndex: 37, treeSize: 100, leafHash, proof: recordProof, rootHash: root })).toBe(true);
    const treeProof = await proveConsistency(57, 100, store);
    expect(treeProof.map(toB64)).toEqual(GO_TREE_PROOF_100_57);
    const oldRoot = fromB64(GO_TREE_HASHES[56]!);
    expect(verifyConsistency({ oldSize: 57, newSize: 100, oldRoot, newRoot: root, proof: treeProof })).toBe(true);
  });

  test('the record hash of "hello world" is the one in Go\'s TestFormatTree', () => {
    expect(toB64(defaultTreeHasher.hashLeaf(utf8('hello world')))).toBe('TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=');
  });
});
