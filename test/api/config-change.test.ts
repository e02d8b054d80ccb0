// Config changes in the audit log: one config.changed entry per change, with the membership diff,
// even when several processes start at once with the same new config (as Workers isolates do),
// and going back to an earlier config is a change too.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRelais } from '../../src/app.ts';
import { loadConfigFile } from '../../src/config/load-node.ts';
import { recordConfigVersion } from '../../src/server/config-change.ts';
import { deriveSecrets } from '../../src/server/secrets.ts';
import { openNodeStore } from '../../src/node.ts';
import { makeFixture, makeKey } from '../helpers/fixture.ts';

const stores: { db: { close(): Promise<void> } }[] = [];
afterAll(async () => {
  for (const s of stores) await s.db.close();
});

async function processOn(dbPath: string, configPath: string) {
  const store = await openNodeStore(dbPath);
  stores.push(store);
  return createRelais({ config: await loadConfigFile(configPath), store, secrets: deriveSecrets(new Uint8Array(32).fill(1)) });
}

async function changes(dbPath: string) {
  const store = await openNodeStore(dbPath);
  stores.push(store);
  return (await store.audit.range(0, 1000)).map((e) => JSON.parse(e.entry)).filter((e) => e.action === 'config.changed');
}

describe('config.changed entries', () => {
  it('are written once when several processes start with the same new config', async () => {
    const fx = await makeFixture();
    const db = join(fx.dir, 'shared.db');
    const processes = [];
    for (let i = 0; i < 3; i++) processes.push(await processOn(db, fx.configPath));
    // All three read "no config yet" before any of them writes.
    await Promise.all(processes.map((p) => recordConfigVersion(p)));
    expect(await changes(db)).toHaveLength(1);
  });

  it('name who joined, who left and whose key changed, and log a return to an earlier config', async () => {
    const fx = await makeFixture();
    const db = join(fx.dir, 'changes.db');
    const first = JSON.stringify(fx.json, null, 2);
    await recordConfigVersion(await processOn(db, fx.configPath));

    const changed = structuredClone(fx.json) as any;
    changed.inboxes[1].members.push({ id: 'city-z', name: 'New', key: 'keys/city-z.asc' });
    changed.inboxes[0].members = changed.inboxes[0].members.filter((m: { id: string }) => m.id !== 'officer-b');
    writeFileSync(join(fx.dir, 'keys', 'city-z.asc'), (await makeKey('z')).publicKey);
    writeFileSync(join(fx.dir, 'keys', 'officer-a.asc'), (await makeKey('a2')).publicKey);
    writeFileSync(fx.configPath, JSON.stringify(changed));
    await recordConfigVersion(await processOn(db, fx.configPath));

    writeFileSync(join(fx.dir, 'keys', 'officer-a.asc'), fx.keys['officer-a']!.publicKey);
    writeFileSync(fx.configPath, first);
    await recordConfigVersion(await processOn(db, fx.configPath));

    const entries = await changes(db);
    expect(entries).toHaveLength(3);
    const diff = entries[1].details.changes as { group: string; id: string; change: string }[];
    expect(diff).toContainEqual(expect.objectContaining({ group: 'inbox:city', id: 'city-z', change: 'added' }));
    expect(diff).toContainEqual(expect.objectContaining({ group: 'inbox:police', id: 'officer-b', change: 'removed' }));
    expect(diff).toContainEqual(expect.objectContaining({ group: 'inbox:police', id: 'officer-a', change: 'changed' }));
    expect(entries[2].details.previous).toBe(entries[1].details.hash);
    expect(entries[2].details.hash).toBe(entries[0].details.hash);
  });
});
