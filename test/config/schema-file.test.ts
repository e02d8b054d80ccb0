import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/cli/config-cmd.ts';

describe('relais.config.schema.json', () => {
  it('is the schema generated from the zod config schema (run `relais config schema` after changing it)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../relais.config.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual({ title: 'relais.config.json', ...configJsonSchema() });
  });
});
