// What the console's views share: the session (key, API), the translator, the public config
// (category labels, time bucket) and the list's current filters, kept in memory only.

import type { PublicConfig } from '../../../src/server/public-config.ts';
import type { StaffKey } from '../../i18n/staff/index.ts';
import type { StaffSession } from '../staff/session.ts';

export interface ListState {
  page: number;
  perPage: number;
  category: string;
  status: string;
  view: 'all' | 'open' | 'unread' | 'mine';
  sort: 'received' | 'activity';
  /** a reference or witness number searched for */
  q: string;
}

export interface ConsoleContext {
  session: StaffSession;
  t: (key: StaffKey, params?: Record<string, string | number>) => string;
  lang: string;
  config: PublicConfig;
  list: ListState;
}

export function categoryLabel(ctx: ConsoleContext, id: string): string {
  return ctx.config.categories.find((c) => c.id === id)?.labels[ctx.lang] ?? id;
}

/** "26/11/2026 14:00 – 15:00": the whole bucket, never more precise than it. */
export function bucketText(ctx: ConsoleContext, bucket: number): { from: string; to: string } {
  const from = new Date(bucket * 1000);
  const to = new Date((bucket + ctx.config.timeBucketSeconds) * 1000);
  const date = new Intl.DateTimeFormat(ctx.lang, { dateStyle: 'short', timeStyle: 'short' });
  return { from: date.format(from), to: date.format(to) };
}

/**
 * "26/11/2026, entre 18 h et 19 h": a bucket as the range it is, never a time to the second
 * (a resident's time is stored as its bucket start; DESIGN promise 2). A staff time is shown
 * within its bucket too, so the two read alike.
 */
export function bucketRange(ctx: ConsoleContext, seconds: number): string {
  const size = ctx.config.timeBucketSeconds;
  const start = seconds - (seconds % size);
  const hourly = size % 3600 === 0;
  const day = new Intl.DateTimeFormat(ctx.lang, { dateStyle: 'short' });
  const time = new Intl.DateTimeFormat(ctx.lang, hourly ? { hour: 'numeric' } : { hour: 'numeric', minute: '2-digit' });
  return ctx.t('time.range', {
    date: day.format(new Date(start * 1000)),
    from: time.format(new Date(start * 1000)),
    to: time.format(new Date((start + size) * 1000)),
  });
}
