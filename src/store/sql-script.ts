// Splits a SQL script (a migration file) into its statements, for D1, which runs a script
// atomically only as a batch of single statements (its exec() is neither atomic nor able to read
// a statement spread over several lines). Knows comments, quoted strings and identifiers, and
// CREATE TRIGGER … BEGIN … END bodies, which contain semicolons of their own. Comments inside a
// statement stay in it, so the schema text D1 records is the one SQLite records on Node.

export function splitSqlScript(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  // Depth of BEGIN … END (trigger bodies); CASE … END inside a body also counts, so that its END
  // does not close the body.
  let depth = 0;
  let words: string[] = [];
  // Comments before a statement's first word are dropped; those inside it are kept.
  let hasCode = false;
  const flush = () => {
    const text = current.trim();
    if (hasCode && text) statements.push(text);
    current = '';
    depth = 0;
    words = [];
    hasCode = false;
  };
  while (i < script.length) {
    const ch = script[i] as string;
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      const stop = end < 0 ? script.length : end + 1;
      current += hasCode ? script.slice(i, stop) + (end < 0 ? '\n' : '') : ' ';
      i = stop;
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unterminated /* comment in SQL script');
      current += hasCode ? script.slice(i, end + 2) : ' ';
      i = end + 2;
      continue;
    }
    if (!/\s|;/.test(ch)) hasCode = true;
    if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      const close = ch === '[' ? ']' : ch;
      let j = i + 1;
      for (;;) {
        const k = script.indexOf(close, j);
        if (k < 0) throw new Error('unterminated quote in SQL script');
        // A doubled quote is an escaped quote (not for [identifiers]).
        if (close !== ']' && script[k + 1] === close) {
          j = k + 2;
          continue;
        }
        j = k + 1;
        break;
      }
      current += script.slice(i, j);
      i = j;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(script.slice(i, i + 64)) as RegExpExecArray;
      const word = m[0].toUpperCase();
      words.push(word);
      if (word === 'CASE') depth++;
      // BEGIN opens a body only inside CREATE TRIGGER (a bare BEGIN is a transaction).
      if (word === 'BEGIN' && words.includes('TRIGGER')) depth++;
      if (word === 'END' && depth > 0) depth--;
      current += m[0];
      i += m[0].length;
      continue;
    }
    if (ch === ';' && depth === 0) {
      flush();
      i++;
      continue;
    }
    current += ch;
    i++;
  }
  flush();
  return statements;
}
