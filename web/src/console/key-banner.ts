// The console's banner about member keys that expire within 30 days (issue 14): the member's own
// key, or the key of another member of their inboxes. An expired key drops out of the routing, so
// the banner says what to do before that day. Self-contained: one element above the views.

import type { StaffMember } from '../../../src/client/staff.ts';
import { el } from '../staff/dom.ts';
import type { ConsoleContext } from './context.ts';

export function showKeyBanner(ctx: ConsoleContext, member: StaffMember): void {
  const warnings = member.keyWarnings ?? [];
  document.getElementById('key-warnings')?.remove();
  if (warnings.length === 0) return;
  const date = new Intl.DateTimeFormat(ctx.lang, { dateStyle: 'long' });
  const items = warnings.map((w) =>
    el(
      'li',
      {},
      w.member === member.id
        ? ctx.t('keys.expiring.self', { date: date.format(new Date(w.expires)) })
        : ctx.t('keys.expiring.other', { name: w.name, date: date.format(new Date(w.expires)) }),
    ),
  );
  const banner = el(
    'section',
    { id: 'key-warnings', class: 'key-warnings', role: 'status' },
    el('p', {}, ctx.t('keys.expiring.title')),
    el('ul', {}, ...items),
    el('p', {}, ctx.t('keys.expiring.what')),
  );
  document.getElementById('app')?.before(banner);
}
