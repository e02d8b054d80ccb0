// `relais check-site URL` (DESIGN promise 11, issue 12): for anyone — an auditor, a journalist, a
// partner NGO, a cron job. Checks every page (each language) and every script and stylesheet the
// site serves against its manifest (src/client/site-check.ts), the manifest against the newest
// `site.deployed` entry of the signed log with the checker's own copy of the log key
// (src/client/site-log-check.ts), and, with --source, against a rebuild from a source folder at
// a commit, run by that folder's own code. Exit 0 only when everything agrees; otherwise each
// differing path, and exit 3.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkSite, type Problem } from '../client/site-check.ts';
import { checkDeployments, type LogCheck } from '../client/site-log-check.ts';
import { type BuildManifest, groupedHash, manifestHash, parseSiteManifest, type SiteManifest } from '../core/site-manifest.ts';
import { help, parse, say, UsageError } from './args.ts';
import { POLICY_OPTIONS, readLogVerifier, resolvePolicy } from './audit-common.ts';

const USAGE = `relais check-site URL (--log-key keys/log.pub [--cosigner FILE]… [--quorum N] [--max-age S] | --no-log)
                  [--source DIR [--config FILE]] [--json]

Fetches every page (in every language) and every script and stylesheet of the site as a browser
without cookies would, and checks them against the site's manifest; checks that the newest
site.deployed entry of the signed log names that manifest (--log-key: YOUR copy of the log's public
key, never one from the server); with --source, rebuilds the web assets from DIR (a checkout at
the commit, after npm ci) with DIR's own code and compares them, and with --config also the pages
(the site's own config file, with its keys/ folder beside it).
--cosigner FILE (repeatable) is YOUR copy of a cosigner's verifier key, --quorum N how many of them
must have cosigned the checkpoint, --max-age SECONDS how old the newest cosignature may be (as for
relais audit verify); without cosigner keys a log shown to you alone is not detected.
Exit codes: 0 everything agrees, 3 something differs (each path is named), 2 usage, 1 other errors.`;

export const EXIT_SITE_DIFFERS = 3;

interface SourceCheck {
  dir: string;
  problems: Problem[];
}

function runRelais(dir: string, args: string[]): string {
  const run = spawnSync(process.execPath, [join(dir, 'bin', 'relais.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`relais ${args[0]} in ${dir} failed: ${(run.stderr || run.stdout).trim().split('\n').pop()}`);
  return run.stdout;
}

/** Rebuilds in `dir` with its own code and compares with the served manifest. */
function checkSource(dir: string, config: string | undefined, served: SiteManifest): SourceCheck {
  const out = mkdtempSync(join(tmpdir(), 'relais-check-site-'));
  const problems: Problem[] = [];
  const differs = (path: string, message: string) => problems.push({ path, kind: 'source', message });
  try {
    runRelais(dir, ['build-web', '--out', out]);
    const build = JSON.parse(readFileSync(join(out, 'build.json'), 'utf8')) as BuildManifest;
    if (build.version !== served.version) differs('version', `the source is ${build.version}, the site says ${served.version}`);
    if (build.commit !== served.commit)
      differs('commit', `the source is at ${build.commit ?? 'no clean commit'}, the site says ${served.commit ?? 'none'}`);
    if (build.sources !== served.sources) differs('sources', 'the site was built from other input files than the source');
    for (const path of new Set([...Object.keys(build.files), ...Object.keys(served.files)])) {
      const a = build.files[path];
      const b = served.files[path];
      if (!a) differs(path, 'is served but the source does not build it');
      else if (!b) differs(path, 'is built from the source but the site does not list it');
      else if (a.sha256 !== b.sha256 || a.size !== b.size)
        differs(path, `the rebuild gives ${a.size} bytes with ${a.sha256}, the site ${b.size} bytes with ${b.sha256}`);
    }
    if (config) {
      const local = parseSiteManifest(runRelais(dir, ['site-manifest', '--config', resolve(config), '--web', out]));
      for (const path of new Set([...Object.keys(local.pages), ...Object.keys(served.pages)])) {
        if (local.pages[path]?.sha256 !== served.pages[path]?.sha256)
          differs(path, 'the page rendered from the source with this config differs');
      }
      if (manifestHash(local) !== manifestHash(served) && problems.length === 0)
        differs('manifest', 'the manifest computed from the source and the config differs (headers, CSP or languages)');
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return { dir, problems };
}

export async function checkSiteCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      'log-key': { type: 'string' },
      ...POLICY_OPTIONS,
      'no-log': { type: 'boolean' },
      source: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
    1,
  );
  if (values.help) return help(USAGE);
  const [url, ...extra] = positionals;
  if (!url || extra.length > 0) throw new UsageError(`give one site URL\n\n${USAGE}`);
  let base: URL;
  try {
    base = new URL(url);
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error();
  } catch {
    throw new UsageError(`${url} is not an http(s) URL\n\n${USAGE}`);
  }
  if (!values['log-key'] && !values['no-log'])
    throw new UsageError(`give --log-key (your copy of the log's public key) or --no-log\n\n${USAGE}`);
  if (values.config && !values.source) throw new UsageError(`--config needs --source\n\n${USAGE}`);
  const verifier = values['log-key'] ? readLogVerifier(values['log-key']) : null;
  const trust = verifier ? resolvePolicy(values, null, verifier.name, verifier) : null;
  if (trust && !values.json) for (const note of trust.notes) say(note);

  const progress = !values.json && process.stderr.isTTY;
  const site = await checkSite(fetch, base.toString(), (done, total) => {
    if (progress) process.stderr.write(`\rchecking pages and files: ${done}/${total}`);
  });
  if (progress) process.stderr.write('\n');
  let log: LogCheck | null = null;
  let source: SourceCheck | null = null;
  if (site.manifest && site.manifestHash) {
    if (trust) log = await checkDeployments(fetch, base.toString(), trust.policy, site.manifestHash, Date.now());
    if (values.source) {
      if (progress) say(`rebuilding from ${values.source} …`);
      source = checkSource(resolve(values.source), values.config, site.manifest);
    }
  }
  const problems = [...site.problems, ...(log?.problems ?? []), ...(source?.problems ?? [])];
  const ok = problems.length === 0 && site.manifest !== null;
  if (values.json) {
    const m = site.manifest;
    const report = {
      url: base.toString(),
      ok,
      manifest: site.manifestHash,
      version: m?.version ?? null,
      commit: m?.commit ?? null,
      checked: site.checked,
      log: log ? { checked: true, treeSize: log.treeSize, latest: log.latest } : { checked: false },
      source: source ? { checked: true, dir: source.dir, config: values.config ?? null } : { checked: false },
      problems,
    };
    process.stdout.write(`${JSON.stringify(report, null, 1)}\n`);
  } else {
    const lines = [`${base}`];
    if (site.manifestHash) lines.push(`  manifest ${groupedHash(site.manifestHash)}`);
    if (site.manifest)
      lines.push(
        `  version ${site.manifest.version}, commit ${site.manifest.commit ?? 'unknown'}; ${site.checked} pages and files fetched`,
      );
    if (log?.latest)
      lines.push(
        `  log: newest site.deployed is entry ${log.latest.index} (${log.latest.time ?? '?'}), in the signed tree of ${log.treeSize}`,
      );
    if (!verifier) lines.push('  log: NOT checked (--no-log)');
    if (source)
      lines.push(
        `  source: rebuilt from ${source.dir}${values.config ? ` with ${values.config}` : ' (web assets only; pages need --config)'}`,
      );
    for (const p of problems) lines.push(`DIFFERS ${p.path}: ${p.message}`);
    lines.push(ok ? 'OK: the site serves the code of its manifest' : `FAILED: ${problems.length} difference(s)`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return ok ? 0 : EXIT_SITE_DIFFERS;
}
