// The config bundled into the Worker (relais worker-config): the same checks and the same hash
// as the config the Node server loads, only the files it names, and nothing else accepted.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfigBundle } from '../../src/config/bundled.ts';
import { loadConfigFile } from '../../src/config/load-node.ts';
import { buildWorkerConfig, workersLimitWarnings } from '../../src/cli/worker-config.ts';
import { relais } from '../helpers/cli.ts';
import { makeFixture } from '../helpers/fixture.ts';

describe('the config bundled into the worker', () => {
  it('resolves to the same config hash as on Node, from the public keys it names only', async () => {
    const fx = await makeFixture({ extraKeys: { 'unrelated.asc': 'not named by the config' } });
    const out = join(fx.dir, 'build', 'worker-config.json');
    const res = await relais(['worker-config', '--config', fx.configPath, '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(out, 'utf8'));
    const node = await loadConfigFile(fx.configPath);
    expect(res.stderr).toContain(node.hash);
    // The default limits ask more of a Worker than it may give; the CPU note is always there.
    expect(res.stderr).toContain('warning: limits.maxReportBytes is 50 MB; a Worker holds the whole body in its 128 MB of memory');
    expect(res.stderr).toContain('the Workers Free plan stops a request after 10 ms of CPU');
    expect(workersLimitWarnings({ ...node.config, limits: { ...node.config.limits, maxReportBytes: 20 * 1024 * 1024 } })).toHaveLength(1);
    expect((await resolveConfigBundle(bundle, new Date())).hash).toBe(node.hash);
    expect(Object.keys(bundle.files).sort()).toEqual([
      'keys/analyst-g.asc',
      'keys/auditor-f.asc',
      'keys/city-c.asc',
      'keys/custodian-d.asc',
      'keys/custodian-e.asc',
      'keys/log.pub',
      'keys/officer-a.asc',
      'keys/officer-b.asc',
    ]);
    expect(readFileSync(out, 'utf8')).not.toContain('PRIVATE KEY');
  });

  it('refuses to build from a config whose key file holds a private key', async () => {
    const fx = await makeFixture();
    writeFileSync(join(fx.dir, 'keys', 'city-c.asc'), fx.keys['city-c']!.privateKey);
    const res = await relais(['worker-config', '--config', fx.configPath, '--out', join(fx.dir, 'out.json')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('PRIVATE key');
    await expect(buildWorkerConfig(fx.configPath)).rejects.toThrow(/PRIVATE key/);
  });

  it('refuses a bundle of another format, or one missing a file the config names', async () => {
    const fx = await makeFixture();
    const { bundle } = await buildWorkerConfig(fx.configPath);
    await expect(resolveConfigBundle({ ...bundle, format: 'other' }, new Date())).rejects.toThrow(/relais worker-config/);
    const { 'keys/log.pub': _dropped, ...files } = bundle.files;
    await expect(resolveConfigBundle({ ...bundle, files }, new Date())).rejects.toThrow(/log/);
  });
});
