// The city's figures as served (issue 15 §4): counts per category for each closed ISO week since
// the first stored report (at most the last MAX_WEEKS), frozen the first time they are counted,
// and the current status of the reports of those weeks, suppressed under the config's k by
// src/core/figures.ts. Metadata only: no report is read.

import { type Figures, suppressFigures, WEEK_SECONDS, weekStart } from '../core/figures.ts';
import { bucketStart, type Relais } from './context.ts';

const MAX_WEEKS = 104;

export async function computeFigures(relais: Relais): Promise<Figures> {
  const { store, config } = relais;
  const now = bucketStart(relais.clock(), config.config.timeBucketSeconds);
  const end = weekStart(now); // weeks before this one are closed
  const earliest = await store.figures.earliestBucket();
  const first = Math.max(weekStart(earliest ?? end), end - MAX_WEEKS * WEEK_SECONDS);
  const weeks = await store.figures.frozen(first, end);
  for (let week = first; week < end; week += WEEK_SECONDS) {
    if (weeks.has(week)) continue;
    const counts = await store.figures.countWeek(week, week + WEEK_SECONDS);
    await store.batch(store.figures.freezeStatements(week, counts));
    weeks.set(week, counts);
  }
  return suppressFigures({
    k: config.config.figures.k,
    categories: config.config.categories.map((c) => c.id),
    weeks,
    statuses: { received: 0, 'in-progress': 0, closed: 0, ...(await store.figures.statuses(end)) },
  });
}
