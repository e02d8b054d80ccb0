// The staff pages' shells: /console/ for officers and custodians, /audit/ for auditors. Everything
// else happens in their scripts, which decrypt and verify in the page with the member's own key.

import { Hono } from 'hono';
import type { Env, Relais } from '../server/context.ts';
import { pickLanguage } from '../../web/i18n/index.ts';
import { STAFF_CATALOGUES, staffTranslator } from '../../web/i18n/staff/index.ts';
import { staffShell } from '../../web/pages/staff-layout.ts';

const NOSCRIPT = {
  fr: 'Cette page déchiffre et vérifie dans votre navigateur, avec votre clé : elle a besoin de JavaScript.',
  en: 'This page decrypts and verifies in your browser, with your key: it needs JavaScript.',
};

export function staffPageRoutes(relais: Relais): Hono<Env> {
  const app = new Hono<Env>();
  const { site } = relais.config.config;
  // The staff pages speak the site's languages that have a staff catalogue (Arabic is for residents).
  const languages = site.languages.filter((l) => l in STAFF_CATALOGUES);
  const shell = (lang: string, title: string, script: string) =>
    staffShell({
      lang,
      siteName: site.name,
      title,
      script,
      noscript: lang === 'en' ? NOSCRIPT.en : NOSCRIPT.fr,
      integrity: relais.site.integrity,
    });

  app.get('/console/', (c) => {
    const lang = pickLanguage(c.req.query('lang'), languages.length > 0 ? languages : ['fr']);
    return c.html(shell(lang, staffTranslator(lang)('console.title'), 'console'));
  });
  app.get('/console', (c) => c.redirect('/console/', 301));
  app.get('/audit/', (c) => {
    const lang = pickLanguage(c.req.query('lang'), languages.length > 0 ? languages : ['fr']);
    return c.html(shell(lang, staffTranslator(lang)('audit.title'), 'auditor'));
  });
  app.get('/audit', (c) => c.redirect('/audit/', 301));

  return app;
}
