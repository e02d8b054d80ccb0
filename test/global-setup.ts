// Builds web/dist once before the tests that serve pages (the browser tests, the worker tests).
import { buildWeb } from '../src/cli/build-web.ts';

export default async function setup(): Promise<void> {
  await buildWeb({ quiet: true });
}
