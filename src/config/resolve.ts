// Turns a parsed config file and the text of its key files into the resolved config the server
// uses: every member with their checked key, the recipients of each category, and the config hash
// that clients send back with each report. Pure (no file system), so the Node entry, the CLI and
// the Workers entry (config bundled at deploy time) share it. DESIGN "Config", promises 1 and 8.
//
// A member whose key has expired is left out (issue 14: intake never stops for one expired key):
// not in `staff`, in no recipient set, listed in `excluded`. The config keeps the texts it read,
// so that the server resolves it again, as of a later time, when a key expires while it runs
// (`resolveAgain`); the hash covers who is left out, so a change of effective routing is a new
// hash, which clients pick up through the stale_config retry.

import { sha256 } from '@noble/hashes/sha2.js';
import type * as openpgp from 'openpgp';
import { toHex, utf8 } from '../core/bytes.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { checkMemberKey, KeyExpired, KeyProblem, type StrippedParts } from './keys.ts';
import { ConfigSchema, type Category, type Config, type Inbox } from './schema.ts';

export interface ConfigProblem {
  /** the file the problem is in (the config file or a key file) */
  file: string;
  /** where in the config, e.g. inboxes.0.members.1.key */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.file}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
  }
}

export type StaffRole = 'officer' | 'custodian' | 'auditor' | 'analyst';

export interface ResolvedMember {
  id: string;
  name: string;
  fingerprint: string;
  /** the key as served (only what sealing needs, config/keys.ts) */
  armored: string;
  /** what the served key leaves out of the key file */
  stripped: StrippedParts;
  key: openpgp.PublicKey;
  encryptionKeyIds: { keyId: string; algorithm: number }[];
  expires: Date | null;
  /** the next moment the member's usable keys change (a subkey or the key expires) */
  changes: Date | null;
  /** inboxes this member belongs to (none for auditors) */
  inboxes: string[];
  roles: StaffRole[];
}

/** The people a part must be sealed to: the members of some inboxes, each counted once. */
export interface RecipientSet {
  inboxes: string[];
  members: ResolvedMember[];
}

export interface Routing {
  /** the report, attachments and messages (the testimony, for a witness category) */
  main: RecipientSet;
  /** the witness's identity; only for witness categories */
  identity: RecipientSet | null;
}

/** A member of the config left out of the routing and of staff, and why. */
export interface ExcludedMember {
  id: string;
  name: string;
  reason: 'key-expired';
  since: Date;
}

/** The config file and the text of every file it named, as read: enough to resolve it again. */
export interface ConfigTexts {
  file: string;
  json: unknown;
  files: Record<string, string>;
}

export interface ResolvedConfig {
  config: Config;
  hash: string;
  inboxes: Map<string, Inbox>;
  categories: Map<string, Category>;
  /** inbox members and auditors whose keys are usable, by member id */
  staff: Map<string, ResolvedMember>;
  /** members left out, by member id (their key expired) */
  excluded: Map<string, ExcludedMember>;
  routing: Map<string, Routing>;
  logVerifierKey: string;
  /** when (ms) some member's usable keys next change, so the config must be resolved again */
  nextChange: number | null;
  /** what it was resolved from */
  texts: ConfigTexts;
}

/** Whether residents can file in a category now: someone can read each of its parts. */
export function isAvailable(routing: Routing): boolean {
  return routing.main.members.length > 0 && (routing.identity === null || routing.identity.members.length > 0);
}

export interface ConfigSource {
  /** name of the config file, for messages */
  file: string;
  /** parsed JSON of the config file */
  json: unknown;
  /** text of a file relative to the config file (key files, the log key); throws if unreadable */
  readFile: (relativePath: string) => Promise<string>;
  now: Date;
}

export async function resolveConfig(source: ConfigSource): Promise<ResolvedConfig> {
  const parsed = ConfigSchema.safeParse(source.json);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ file: source.file, path: i.path.join('.'), message: i.message })));
  }
  const config = parsed.data;
  const problems: ConfigProblem[] = [];
  const staff = new Map<string, ResolvedMember>();
  const excluded = new Map<string, ExcludedMember>();
  const keyTexts: Record<string, string> = {};
  const files: Record<string, string> = {};
  const readFile = async (path: string) => {
    const text = await source.readFile(path);
    files[path] = text;
    return text;
  };

  const addMember = async (m: { id: string; name: string; key: string }, path: string, inbox: Inbox | 'auditor' | 'analyst') => {
    if (excluded.has(m.id)) return;
    let member = staff.get(m.id);
    if (!member) {
      let armored: string;
      try {
        armored = await readFile(m.key);
      } catch {
        problems.push({ file: m.key, path, message: 'cannot read the key file' });
        return;
      }
      try {
        const checked = await checkMemberKey(armored, source.now);
        // The hash covers the key as its file holds it, whatever the served copy leaves out.
        keyTexts[m.key] = checked.full;
        const { full: _full, ...kept } = checked;
        member = { id: m.id, name: m.name, ...kept, inboxes: [], roles: [] };
        staff.set(m.id, member);
      } catch (e) {
        if (e instanceof KeyExpired) {
          keyTexts[m.key] = e.armored;
          excluded.set(m.id, { id: m.id, name: m.name, reason: 'key-expired', since: e.expired });
          return;
        }
        problems.push({ file: m.key, path, message: e instanceof KeyProblem ? e.message : 'unreadable key' });
        return;
      }
    }
    if (typeof inbox === 'object') {
      member.inboxes.push(inbox.id);
      const role: StaffRole = inbox.kind === 'witness-custody' ? 'custodian' : 'officer';
      if (!member.roles.includes(role)) member.roles.push(role);
    } else {
      member.roles.push(inbox);
    }
  };
  for (const [i, inbox] of config.inboxes.entries()) {
    for (const [j, m] of inbox.members.entries()) await addMember(m, `inboxes.${i}.members.${j}.key`, inbox);
  }
  for (const [i, a] of config.auditors.entries()) await addMember(a, `auditors.${i}.key`, 'auditor');
  for (const [i, a] of config.analysts.entries()) await addMember(a, `analysts.${i}.key`, 'analyst');

  let logVerifierKey = '';
  try {
    logVerifierKey = (await readFile(config.log.publicKey)).trim();
  } catch {
    problems.push({ file: config.log.publicKey, path: 'log.publicKey', message: 'cannot read the log’s public key' });
  }
  if (logVerifierKey && !/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/.test(logVerifierKey)) {
    problems.push({ file: config.log.publicKey, path: 'log.publicKey', message: 'not a signed-note verifier key (name+hash+key)' });
  }
  // Two members must not share a key: each recipient key ID must identify one person.
  const owners = new Map<string, string>();
  for (const member of staff.values()) {
    const other = owners.get(member.fingerprint);
    if (other) problems.push({ file: source.file, path: '', message: `members "${other}" and "${member.id}" use the same key` });
    owners.set(member.fingerprint, member.id);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const inboxes = new Map(config.inboxes.map((i) => [i.id, i]));
  const recipients = (ids: string[]): RecipientSet => {
    const members = new Map<string, ResolvedMember>();
    for (const id of ids)
      for (const m of inboxes.get(id)?.members ?? []) {
        const member = staff.get(m.id);
        if (member) members.set(m.id, member);
      }
    return { inboxes: ids, members: [...members.values()] };
  };
  const routing = new Map<string, Routing>();
  for (const c of config.categories) {
    routing.set(
      c.id,
      c.kind === 'witness'
        ? { main: recipients(c.testimony), identity: recipients(c.identity) }
        : { main: recipients(c.inboxes), identity: null },
    );
  }
  // Who is left out is part of the effective config; with nobody left out the hash is what it
  // always was.
  const left = [...excluded.keys()].sort();
  const hash = toHex(
    sha256(
      utf8(
        canonicalJson({ config: stripSchemaRef(config), keys: keyTexts, log: logVerifierKey, ...(left.length ? { excluded: left } : {}) }),
      ),
    ),
  );
  let nextChange: number | null = null;
  for (const m of staff.values()) {
    const t = m.changes?.getTime();
    if (t !== undefined && (nextChange === null || t < nextChange)) nextChange = t;
  }
  return {
    config,
    hash,
    inboxes,
    categories: new Map(config.categories.map((c) => [c.id, c])),
    staff,
    excluded,
    routing,
    logVerifierKey,
    nextChange,
    texts: { file: source.file, json: source.json, files },
  };
}

/** The same config resolved as of `now`, from the texts it was read from (no file is read again). */
export function resolveAgain(resolved: ResolvedConfig, now: Date): Promise<ResolvedConfig> {
  return resolveConfig(textSource(resolved.texts, now));
}

/** A source reading only the given texts. */
export function textSource(texts: ConfigTexts, now: Date): ConfigSource {
  return {
    file: texts.file,
    json: texts.json,
    now,
    readFile: async (path) => {
      const text = Object.hasOwn(texts.files, path) ? texts.files[path] : undefined;
      if (typeof text !== 'string') throw new Error('not among the texts');
      return text;
    },
  };
}

function stripSchemaRef(config: Config): Omit<Config, '$schema'> {
  const { $schema: _ignored, ...rest } = config;
  return rest;
}
