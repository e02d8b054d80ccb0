// The city's figures for analysts and auditors (issue 15 §4; DESIGN promise 8: analysts never
// see a report): GET /api/v1/figures (JSON) and /api/v1/figures.csv, each read logged as
// stats.read. Computed from stored metadata only, small counts suppressed (src/core/figures.ts).

import { type Context, Hono } from 'hono';
import { figuresCsv } from '../core/figures.ts';
import { requireStaff } from '../server/auth.ts';
import type { Env, Relais } from '../server/context.ts';
import { computeFigures } from '../server/figures.ts';
import { ApiError } from '../server/http.ts';

export function figureRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const reader = requireStaff(relais, ['analyst', 'auditor']);

  const serve = (csv: boolean) => async (c: Context<Env>) => {
    if (Object.keys(c.req.query()).length > 0) throw new ApiError(400, 'bad_query', 'This route takes no parameters.');
    const { member } = c.get('staff');
    await relais.audit.append({ action: 'stats.read', actor: `member:${member.id}`, details: { format: csv ? 'csv' : 'json' } });
    const figures = await computeFigures(relais);
    if (!csv) return c.json(figures);
    return c.body(figuresCsv(figures), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="relais-chiffres.csv"',
    });
  };
  app.get('/figures', reader, serve(false));
  app.get('/figures.csv', reader, serve(true));

  return app;
}
