// Splitting migration scripts into statements for D1's batch: trigger bodies, strings and
// comments keep their semicolons; every file of migrations/ splits into statements that SQLite
// itself accepts one by one.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/node.ts';
import { splitSqlScript } from '../../src/store/sql-script.ts';

describe('splitting a SQL script', () => {
  it('keeps a trigger body with its inner statements as one statement', () => {
    const script = `CREATE TABLE t (a TEXT);
CREATE TRIGGER t_no_update BEFORE UPDATE ON t
BEGIN
  SELECT RAISE(ABORT, 'no; never');
  SELECT CASE WHEN 1 THEN 2 END;
END;
INSERT INTO t VALUES ('x;y');`;
    const parts = splitSqlScript(script);
    expect(parts).toHaveLength(3);
    expect(parts[1]).toMatch(/^CREATE TRIGGER[\s\S]*END$/);
    expect(parts[2]).toBe("INSERT INTO t VALUES ('x;y')");
  });

  it('drops comments, including ones with semicolons and quotes, and empty statements', () => {
    const parts = splitSqlScript(`-- a comment; with 'quote\n/* block; "x */ SELECT 1;;\n-- end`);
    expect(parts).toEqual(['SELECT 1']);
  });

  it('keeps doubled quotes and quoted identifiers intact', () => {
    expect(splitSqlScript(`SELECT 'it''s; fine', "a;b", [c;d], \`e;f\`; SELECT 2`)).toEqual([
      `SELECT 'it''s; fine', "a;b", [c;d], \`e;f\``,
      'SELECT 2',
    ]);
  });

  it('refuses an unterminated string rather than guess', () => {
    expect(() => splitSqlScript(`SELECT 'oops; SELECT 2`)).toThrow(/unterminated/);
  });

  it('splits every migration into statements SQLite runs one by one to the same schema', () => {
    const whole = new Database(':memory:');
    const split = new Database(':memory:');
    for (const m of readMigrations().sort((a, b) => a.name.localeCompare(b.name))) {
      whole.exec(m.sql);
      for (const statement of splitSqlScript(m.sql)) split.prepare(statement).run();
    }
    const schema = (db: Database.Database) =>
      db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
    expect(schema(split)).toEqual(schema(whole));
    expect(schema(whole).length).toBeGreaterThan(5);
  });
});
