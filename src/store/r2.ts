// The BlobStore on Cloudflare R2 (DESIGN "Shape of the code": attachments in object storage on
// the edge). Objects are stored under their random key with no HTTP or custom metadata (promise
// 2: nothing but the sealed bytes); the key says nothing about the report or its arrival.

import type { BlobStore } from './blobs.ts';

/** The part of R2's binding this adapter uses (structural, so no Workers types are needed). */
export interface R2Like {
  put(key: string, value: Uint8Array): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
  delete(keys: string | string[]): Promise<void>;
}

/** R2 deletes at most 1000 keys per call. */
const DELETE_CHUNK = 1000;

export class R2BlobStore implements BlobStore {
  constructor(private readonly bucket: R2Like) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.bucket.put(key, bytes);
  }

  async get(key: string): Promise<Uint8Array | null> {
    const object = await this.bucket.get(key);
    return object ? new Uint8Array(await object.arrayBuffer()) : null;
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_CHUNK) await this.bucket.delete(keys.slice(i, i + DELETE_CHUNK));
  }
}
