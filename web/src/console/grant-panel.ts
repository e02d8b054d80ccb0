// The console's "give the current members access" panel for one report (issue 14 §4), shown only
// when some part or message of it is not sealed to exactly the current members (members changed
// since it arrived). The page decrypts only the session keys, with the member's key in memory, and
// sends new key packets (src/client/grant.ts, the same code as `relais grant`). Self-contained.

import { ApiClientError } from '../../../src/client/api.ts';
import { grantReport, grantStatus } from '../../../src/client/grant.ts';
import { el } from '../staff/dom.ts';
import type { ConsoleContext } from './context.ts';

export async function grantPanel(ctx: ConsoleContext, ref: string, reload: () => void): Promise<HTMLElement | null> {
  const { t, session } = ctx;
  const status = await session.call((api) => grantStatus(api, ref)).catch(() => null);
  const behind = status?.items.filter((i) => !i.current).length ?? 0;
  if (!status || behind === 0) return null;
  const result = el('p', { id: 'grant-result', role: 'status' });
  const button = el('button', { type: 'button', class: 'primary', id: 'grant' }, t('grant.button'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.textContent = t('grant.working');
    try {
      const outcome = await session.call((api) => grantReport(api, ref, session.privateKey()));
      result.textContent =
        outcome.failed.length === 0
          ? t('grant.done', { n: outcome.granted })
          : t('grant.partial', { n: outcome.granted, failed: outcome.failed.length });
      if (outcome.failed.length === 0) setTimeout(reload, 1500);
    } catch (e) {
      result.textContent = t('grant.error', { code: e instanceof ApiClientError ? e.code : '?' });
      button.disabled = false;
    }
  });
  return el(
    'section',
    { class: 'panel grant', id: 'grant-panel' },
    el('h2', {}, t('grant.title')),
    el('p', {}, t('grant.needed', { n: behind })),
    button,
    result,
  );
}
