// The R2 BlobStore against R2 in the real Workers runtime (workerd, local), through the
// interface only: the same promises as the SQL blob store in the store contract.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { R2BlobStore } from '../../src/store/r2.ts';
import { openPlatform, type Platform } from './platform.ts';

let platform: Platform;
let blobs: R2BlobStore;

beforeAll(async () => {
  platform = await openPlatform();
  blobs = new R2BlobStore(platform.bucket);
});
afterAll(async () => platform?.dispose());

describe('R2 blob store (workerd)', () => {
  it('returns blobs as plain Uint8Array, byte for byte', async () => {
    const bytes = new Uint8Array(3 * 65_536 + 17);
    for (let i = 0; i < bytes.length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, Math.min(bytes.length, i + 65_536)));
    await blobs.put('k-bytes', bytes);
    const back = await blobs.get('k-bytes');
    expect(back?.constructor).toBe(Uint8Array);
    expect(back).toEqual(bytes);
  });

  it('answers null for a key it does not hold', async () => {
    expect(await blobs.get('never-written')).toBeNull();
  });

  it('deletes many keys at once, more than R2 takes in one call', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `k-many-${i}`);
    for (const key of keys.slice(0, 5)) await blobs.put(key, new Uint8Array([1]));
    await blobs.put(keys[1004]!, new Uint8Array([2]));
    await blobs.delete(keys);
    expect(await blobs.get(keys[0]!)).toBeNull();
    expect(await blobs.get(keys[1004]!)).toBeNull();
    await blobs.delete([]);
  });

  it('stores nothing but the bytes under their key: no content type, no custom metadata', async () => {
    const key = 'k-meta-3f9c';
    await blobs.put(key, new TextEncoder().encode('sealed bytes'));
    const object = (await (
      platform.bucket as unknown as { head(k: string): Promise<{ httpMetadata: object; customMetadata: object } | null> }
    ).head(key))!;
    expect(object.httpMetadata).toEqual({});
    expect(object.customMetadata).toEqual({});
    const files = readdirSync(platform.persistDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.some((e) => readFileSync(join(e.parentPath, e.name)).includes('sealed bytes'))).toBe(true);
  });
});
