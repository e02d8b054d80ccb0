// What the server tells its operator (DESIGN promise 2, issue 13): no log line is ever written at
// the time of a resident's request, since journald, docker or any log collector stamps every line
// with the second it was written, which would turn the hour bucket back into an arrival time.
// Resident requests (every route that is not marked as a staff route: reports, follow-ups, pages,
// assets, refusals, unknown paths) are counted per time bucket, by method, route pattern and
// status; once the bucket has closed, maintenance writes one summary line for it. Unexpected
// errors on those routes, and conditions other modules report with note() (e.g. a full disk),
// go into that summary, without their time. Staff routes (marked by requireStaff and the login
// routes) keep one line per request: method, route pattern, status, duration — staff times are
// in the audit log anyway. Lines never hold an address, a header, a query string or a concrete
// path. An operator who wants nothing on stdout at all passes a print function that drops lines
// (`relais serve --quiet`).

import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Env } from './context.ts';

/** Marks the request as a staff route: it is logged with its own line. */
export const staffRoute: MiddlewareHandler<Env> = async (c, next) => {
  c.set('staffRoute', true);
  await next();
};

export function isStaffRoute(c: Context<Env>): boolean {
  return c.get('staffRoute') === true;
}

/** The pattern of the handler that answered (e.g. /api/v1/reports/:ref), never the real path. */
function routeOf(c: Context): string {
  return matchedRoutes(c)[c.req.routeIndex]?.path ?? '-';
}

interface Tally {
  requests: Map<string, number>;
  problems: Map<string, number>;
}

export class RequestLog {
  readonly #tallies = new Map<number, Tally>();
  /** the first bucket this process counted; every closed bucket from there gets a summary */
  #from: number;

  constructor(
    private readonly print: (line: string) => void,
    private readonly clock: () => number,
    private readonly bucketSeconds: number,
  ) {
    this.#from = this.bucketOf(clock());
  }

  private bucketOf(ms: number): number {
    const s = Math.floor(ms / 1000);
    return s - (s % this.bucketSeconds);
  }

  private tally(): Tally {
    const bucket = this.bucketOf(this.clock());
    let t = this.#tallies.get(bucket);
    if (!t) {
      t = { requests: new Map(), problems: new Map() };
      this.#tallies.set(bucket, t);
    }
    return t;
  }

  /** A line about the server itself (start, maintenance, staff), written now. */
  line(text: string): void {
    this.print(text);
  }

  /** A condition to report in the summary of the current bucket, never at its time (e.g. "storage_full"). */
  note(condition: string): void {
    const { problems } = this.tally();
    problems.set(condition, (problems.get(condition) ?? 0) + 1);
  }

  /** An unexpected error while answering: a line now on a staff route, a note in the summary otherwise. */
  problem(c: Context<Env>, text: string): void {
    if (isStaffRoute(c)) this.print(text);
    else this.note(text);
  }

  middleware(): MiddlewareHandler<Env> {
    return async (c, next) => {
      const start = this.clock();
      await next();
      const what = `${c.req.method} ${routeOf(c)} ${c.res.status}`;
      if (isStaffRoute(c)) {
        this.print(`${what} ${Math.max(0, this.clock() - start)}ms`);
        return;
      }
      const { requests } = this.tally();
      requests.set(what, (requests.get(what) ?? 0) + 1);
    };
  }

  /**
   * Writes one summary line for every bucket that started before `open` (a bucket whose close has
   * passed its grace period), from the first bucket this process saw, and forgets their counts.
   */
  summarize(open: number): void {
    for (let bucket = this.#from; bucket < open; bucket += this.bucketSeconds) {
      const t = this.#tallies.get(bucket);
      this.#tallies.delete(bucket);
      this.print(summaryLine(bucket, t));
    }
    this.#from = Math.max(this.#from, open);
  }
}

function counts(map: Map<string, number>): string {
  return [...map.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
}

export function summaryLine(bucket: number, t: Tally | undefined): string {
  const when = new Date(bucket * 1000).toISOString().replace('.000Z', 'Z');
  const total = t ? [...t.requests.values()].reduce((a, b) => a + b, 0) : 0;
  const requests = total === 0 ? 'no resident requests' : `${total} resident requests: ${counts(t?.requests ?? new Map())}`;
  const problems = t && t.problems.size > 0 ? `; problems: ${counts(t.problems)}` : '';
  return `bucket ${when}: ${requests}${problems}`;
}
