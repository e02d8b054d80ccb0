// `relais config check` and `relais config schema`: validate the config and its keys the way the
// server will at start, and write the JSON Schema that editors use for relais.config.json.

import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { loadConfigFile } from '../config/load-node.ts';
import { keyWarnings } from '../config/expiry.ts';
import { describeStripped } from '../config/keys.ts';
import { ConfigSchema } from '../config/schema.ts';
import { missingTranslations } from '../config/translations.ts';
import { parse, say, UsageError, help } from './args.ts';

const USAGE = `relais config check [--config relais.config.json]
relais config schema [--out relais.config.schema.json]`;

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
}

export async function configCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') return help(USAGE);
  if (sub === 'schema') {
    const { values } = parse(rest, { out: { type: 'string' } }, USAGE);
    if (values.help) return help(USAGE);
    const out = values.out ?? 'relais.config.schema.json';
    writeFileSync(out, `${JSON.stringify({ title: 'relais.config.json', ...configJsonSchema() }, null, 2)}\n`);
    say(`wrote ${out}`);
    return 0;
  }
  if (sub !== 'check') throw new UsageError(sub === undefined ? USAGE : `unknown step "${sub}"\n\n${USAGE}`);
  const { values } = parse(rest, { config: { type: 'string' } }, USAGE);
  if (values.help) return help(USAGE);
  const path = values.config ?? 'relais.config.json';
  const now = new Date();
  const resolved = await loadConfigFile(path, now);
  const { config } = resolved;
  say(`${path}: OK (hash ${resolved.hash})`);
  for (const inbox of config.inboxes) say(`  inbox ${inbox.id} (${inbox.kind}): ${inbox.members.map((m) => m.id).join(', ')}`);
  for (const c of config.categories) {
    const r = resolved.routing.get(c.id);
    say(
      `  category ${c.id}: sealed to ${r?.main.members.length} keys${r?.identity ? `, identity to ${r.identity.members.length} custodians` : ''}`,
    );
  }
  say(`  auditors: ${config.auditors.map((a) => a.id).join(', ') || 'none'}`);
  // GET /api/v1/config serves each key with only what sealing needs (src/config/keys.ts).
  for (const m of resolved.staff.values()) {
    const stripped = describeStripped(m.stripped);
    if (stripped && m.inboxes.length > 0) say(`  served key of ${m.id}: without ${stripped}`);
  }
  // The server starts with these too (an expired key is left out, intake goes on), so they are
  // warnings, not refusals.
  for (const w of keyWarnings(resolved, now.getTime())) say(`  warning: ${w.line}`);
  for (const missing of missingTranslations(config)) say(`  warning: ${missing}`);
  return 0;
}
