// The witness number of a new witness request (DESIGN promise 6, "Flows: Witness request"): drawn
// from crypto.getRandomValues for each attempt of the report's batch (reports.insert retries a
// collision with fresh values), written in that same batch, so that a witness request is never
// stored without its number nor a number without its request.

import { randomBytes } from '../core/bytes.ts';
import { newWitnessNumber } from '../core/witness-number.ts';
import type { Statement } from '../store/driver.ts';
import type { Relais } from './context.ts';

export interface WitnessNumbering {
  /** the statements for reports.insert's batch */
  extra: (ref: string) => Statement[];
  /** the number of the attempt that was written (after the insert succeeded) */
  number: () => string;
}

/** Numbering for a report of `category`, or null if it is not a witness category. */
export function witnessNumbering(relais: Relais, category: string): WitnessNumbering | null {
  if (!relais.config.routing.get(category)?.identity) return null;
  let number = '';
  return {
    extra: (ref) => {
      number = newWitnessNumber(randomBytes);
      return [relais.store.witnesses.insertStatement(number, ref)];
    },
    number: () => number,
  };
}
