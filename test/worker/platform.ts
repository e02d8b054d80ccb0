// D1 and R2 bindings from the real Workers runtime (workerd, through wrangler's getPlatformProxy),
// each on its own throwaway persistence folder, for the store contract and the R2 blob tests.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getPlatformProxy } from 'wrangler';
import type { D1Like } from '../../src/store/d1.ts';
import type { R2Like } from '../../src/store/r2.ts';
import { tempDir } from '../helpers/temp.ts';

export interface Platform {
  db: D1Like;
  bucket: R2Like;
  persistDir: string;
  dispose(): Promise<void>;
}

export async function openPlatform(): Promise<Platform> {
  process.env.WRANGLER_SEND_METRICS = 'false';
  const dir = tempDir('relais-workerd-');
  const configPath = join(dir, 'wrangler.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      name: 'relais-store-test',
      compatibility_date: '2026-04-01',
      d1_databases: [{ binding: 'DB', database_name: 'relais-test', database_id: '00000000-0000-4000-8000-000000000000' }],
      r2_buckets: [{ binding: 'BLOBS', bucket_name: 'relais-test' }],
    }),
  );
  const persistDir = join(dir, 'state');
  const proxy = await getPlatformProxy<{ DB: D1Like; BLOBS: R2Like }>({ configPath, persist: { path: persistDir } });
  return { db: proxy.env.DB, bucket: proxy.env.BLOBS, persistDir, dispose: () => proxy.dispose() };
}
