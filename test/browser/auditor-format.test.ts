// The auditor page's files are the command's files (issue 6 item 4, DESIGN promise 7): its state
// file is byte for byte what `relais audit verify --state` writes and each reads the other's; its
// CSV and JSON exports are what `relais audit export` writes for the same entries (formula cells
// defused); its filters and summary count what they say. Runs in Node on the page's own modules.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadState, saveState } from '../../src/cli/audit-state.ts';
import type { Trusted } from '../../src/client/audit-verifier.ts';
import { auditEntryJson } from '../../src/core/audit-entry.ts';
import {
  FlatHashStore,
  generateSignerKey,
  openCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
} from '../../src/core/tlog/index.ts';
import { filterRows, NO_FILTER, rowOf, rowsOf, summarize, toCsv, toJson } from '../../web/src/auditor/entries.ts';
import { formatState, parseState, StateFileProblem } from '../../src/client/audit-state.ts';
import { tempDir } from '../helpers/temp.ts';

const ORIGIN = 'relais.test/log';
const keys = generateSignerKey(ORIGIN);
const signer = parseSignerKey(keys.signerKey);
const verifier = parseVerifierKey(keys.verifierKey);
const work = tempDir('relais-auditor-format-');

const T = Date.UTC(2026, 10, 26, 14, 32, 5);
const ENTRIES = [
  auditEntryJson({ action: 'config.changed', actor: 'system', time: T, details: { changes: [{ change: 'added', id: 'officer-a' }] } }),
  auditEntryJson({ action: 'staff.login', actor: 'member:officer-a', time: T + 1000 }),
  auditEntryJson({ action: 'report.read', actor: 'member:officer-a', time: T + 2000, report: 'R-AAAA-BBBB-CCCC', inbox: 'police' }),
  auditEntryJson({ action: 'report.received', actor: 'system', bucket: Date.UTC(2026, 10, 26, 13) / 1000, report: 'R-DDDD-EEEE-FFFF' }),
  auditEntryJson({ action: 'report.list', actor: 'member:city-c', time: Date.UTC(2026, 10, 27, 9), details: { page: 1 } }),
  '=1+1, "not json"',
  // A server holding the log key can sign anything: an actor a spreadsheet would run as a formula.
  auditEntryJson({ action: 'staff.logout', actor: '=HYPERLINK("http://x")', time: T + 3000 }),
];

const POLICY = { cosigners: [], quorum: 0, maxAgeSeconds: 900 };

function trustedOf(entries: string[]): Trusted {
  const tree = new FlatHashStore();
  const leaves = new Uint8Array(entries.length * 32);
  entries.forEach((e, i) => {
    const leaf = tree.hasher.hashLeaf(new TextEncoder().encode(e));
    tree.appendLeafHash(leaf);
    leaves.set(leaf, i * 32);
  });
  const note = signCheckpoint({ origin: ORIGIN, size: tree.size, rootHash: tree.root(), extensions: [] }, signer);
  return { checkpoint: openCheckpoint(note, { origin: ORIGIN, logVerifier: verifier }).checkpoint, note, leaves };
}

describe('the auditor page’s state file', () => {
  it('is written byte for byte as the command writes it, and each reads the other’s', () => {
    const trusted = trustedOf(ENTRIES);
    const path = join(work, 'cli.json');
    saveState(path, ORIGIN, verifier, trusted, POLICY);
    expect(formatState(ORIGIN, verifier, trusted, POLICY)).toBe(readFileSync(path, 'utf8'));

    const back = parseState(readFileSync(path, 'utf8'), ORIGIN, verifier);
    expect(back.trusted.checkpoint.size).toBe(ENTRIES.length);
    expect(back.trusted.leaves).toEqual(trusted.leaves);
    expect(back.policy).toEqual(POLICY);
    const fromPage = join(work, 'page.json');
    writeFileSync(fromPage, formatState(ORIGIN, verifier, trustedOf(ENTRIES.slice(0, 3)), POLICY));
    expect(loadState(fromPage, ORIGIN, verifier)?.trusted.checkpoint.size).toBe(3);
  });

  it('is refused when it is not one, belongs to another log key, or its leaf hashes do not give its root', () => {
    const text = formatState(ORIGIN, verifier, trustedOf(ENTRIES), POLICY);
    const problem = (t: string, v = verifier) => {
      try {
        parseState(t, v.name, v);
        return 'accepted';
      } catch (e) {
        return e instanceof StateFileProblem ? e.problem : String(e);
      }
    };
    expect(problem('{}')).toBe('not-state');
    expect(problem('not json')).toBe('not-state');
    expect(problem(text, parseVerifierKey(generateSignerKey(ORIGIN).verifierKey))).toBe('other-log');
    const state = JSON.parse(text);
    state.leaves = formatState(ORIGIN, verifier, trustedOf(ENTRIES.map((e) => `${e} `)), POLICY).match(/"leaves": "([^"]*)"/)![1];
    expect(problem(JSON.stringify(state))).toBe('damaged');
    const unsigned = JSON.parse(text);
    unsigned.checkpoint = unsigned.checkpoint.replace(`\n${ENTRIES.length}\n`, `\n${ENTRIES.length + 1}\n`);
    expect(problem(JSON.stringify(unsigned))).toBe('damaged');
    expect(problem(text)).toBe('accepted');
  });
});

describe('the auditor page’s rows and exports', () => {
  it('export CSV and JSON row for row, in slices as in one pass, with formula cells defused', async () => {
    const rows = await rowsOf(ENTRIES, 2);
    const once = ENTRIES.map((e, i) => rowOf(i, e));
    expect(rows).toEqual(once);
    expect(toCsv(rows).split('\r\n')[0]).toBe('index,time,bucket,action,actor,report,inbox,details');
    expect(toCsv(rows).split('\r\n')).toHaveLength(ENTRIES.length + 2);
    expect(JSON.parse(toJson(rows))).toEqual(JSON.parse(JSON.stringify(once)));
    expect(toCsv(rows)).toContain('\r\n5,,,,,,,"\'=1+1, ""not json"""\r\n');
    expect(toCsv(rows)).toContain(`\r\n6,2026-11-26T14:32:08Z,,staff.logout,"'=HYPERLINK(""http://x"")",,,\r\n`);
  });

  it('filter by actor, action, part of a report reference in any case, and a date range with its end day included', () => {
    const rows = ENTRIES.map((e, i) => rowOf(i, e));
    const indexes = (f: Partial<typeof NO_FILTER>) => filterRows(rows, { ...NO_FILTER, ...f }).map((r) => r.index);
    expect(indexes({})).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(indexes({ actor: 'member:officer-a' })).toEqual([1, 2]);
    expect(indexes({ actor: 'member:officer-a', action: 'report.read' })).toEqual([2]);
    expect(indexes({ report: ' dddd-eeee ' })).toEqual([3]);
    // 26 November (UTC) holds the bucket of 13:00 and the staff events; the 27th the list.
    const day = (d: number) => Date.UTC(2026, 10, d);
    expect(indexes({ fromMs: day(26), toMs: day(27) })).toEqual([0, 1, 2, 3, 6]);
    expect(indexes({ fromMs: day(27), toMs: day(28) })).toEqual([4]);
    expect(indexes({ fromMs: T + 1000 })).toEqual([1, 2, 4, 6]);
    expect(indexes({ toMs: T + 1000 })).toEqual([0, 3]);
  });

  it('count entries per actor and action', () => {
    const rows = ENTRIES.map((e, i) => rowOf(i, e));
    expect(summarize(rows)).toEqual([
      { actor: '(none)', action: '(none)', count: 1 },
      { actor: '=HYPERLINK("http://x")', action: 'staff.logout', count: 1 },
      { actor: 'member:city-c', action: 'report.list', count: 1 },
      { actor: 'member:officer-a', action: 'report.read', count: 1 },
      { actor: 'member:officer-a', action: 'staff.login', count: 1 },
      { actor: 'system', action: 'config.changed', count: 1 },
      { actor: 'system', action: 'report.received', count: 1 },
    ]);
  });
});
