// How the console words a disclosure (DESIGN promise 6): its state, its steps (who, what, when),
// a date in the member's language. Shared by the custodians' and the investigators' views.

import type { DisclosureInfo } from '../../../src/client/witness.ts';
import type { ConsoleContext } from './context.ts';

export function dateText(ctx: ConsoleContext, seconds: number): string {
  return new Date(seconds * 1000).toLocaleString(ctx.lang, { dateStyle: 'short', timeStyle: 'short' });
}

export function stateText(ctx: ConsoleContext, d: DisclosureInfo): string {
  return ctx.t(`disclosure.state.${d.state}`);
}

export function eventsText(ctx: ConsoleContext, d: DisclosureInfo): string[] {
  return d.events.map((e) =>
    ctx.t('disclosure.event', { action: ctx.t(`disclosure.action.${e.action}`), member: e.member, at: dateText(ctx, e.at) }),
  );
}

/** The custodian who approved it, if any. */
export function approver(d: DisclosureInfo): string {
  return d.events.find((e) => e.action === 'approved')?.member ?? '—';
}
