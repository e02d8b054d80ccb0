import { describe, expect, it } from 'vitest';
import { issueChallenge, leadingZeroBits, parseChallenge, solveChallenge, verifySolution } from '../../src/core/pow.ts';

const secret = new Uint8Array(32).fill(7);
const now = 1_800_000_000_000;

describe('proof of work', () => {
  it.each([
    [[0xff], 0],
    [[0x00, 0xff], 8],
    [[0x00, 0x01], 15],
    [[0x0f], 4],
    [[0, 0, 0, 0], 32],
  ])('counts the leading zero bits of %j as %i', (bytes, bits) => {
    expect(leadingZeroBits(new Uint8Array(bytes))).toBe(bits);
  });

  it('accepts a solved challenge once it meets the difficulty', () => {
    const token = issueChallenge(secret, 'report', 10, 600, now);
    const counter = solveChallenge(token);
    expect(verifySolution(secret, token, counter, 'report', 10, now + 1000)).toBeNull();
  });

  it('refuses a counter that does not meet the difficulty', () => {
    const token = issueChallenge(secret, 'report', 12, 600, now);
    const good = solveChallenge(token);
    // Among the counters below the first solution none meets the target, by construction.
    if (good > 0) expect(verifySolution(secret, token, good - 1, 'report', 12, now)).toBe('pow_insufficient');
    expect(verifySolution(secret, token, good, 'report', 12, now)).toBeNull();
  });

  it('refuses an expired challenge', () => {
    const token = issueChallenge(secret, 'report', 4, 60, now);
    const counter = solveChallenge(token);
    expect(verifySolution(secret, token, counter, 'report', 4, now + 60_000)).toBe('pow_expired');
  });

  it('refuses a challenge made for another purpose', () => {
    const token = issueChallenge(secret, 'lookup', 4, 60, now);
    expect(verifySolution(secret, token, solveChallenge(token), 'report', 4, now)).toBe('pow_wrong_purpose');
  });

  it('refuses a challenge signed with another secret or edited to be easier', () => {
    const token = issueChallenge(secret, 'report', 16, 60, now);
    expect(verifySolution(new Uint8Array(32), token, 0, 'report', 0, now)).toBe('pow_invalid');
    const easier = token.replace('.16.', '.0.');
    expect(verifySolution(secret, easier, 0, 'report', 0, now)).toBe('pow_invalid');
  });

  it('refuses a challenge issued under a lower difficulty than the current one', () => {
    const token = issueChallenge(secret, 'report', 2, 60, now);
    expect(verifySolution(secret, token, solveChallenge(token), 'report', 8, now)).toBe('pow_insufficient');
  });

  it.each([
    ['', 0],
    ['pow1.report.1.1.x.y', 0],
    [123, 0],
    [`pow1.report.9999999999.8.AAAAAAAAAAAAAAAAAAAAAA.${'A'.repeat(43)}`, -1],
    [`pow1.report.9999999999.8.AAAAAAAAAAAAAAAAAAAAAA.${'A'.repeat(43)}`, 1.5],
    [`pow1.report.9999999999.8.AAAAAAAAAAAAAAAAAAAAAA.${'A'.repeat(43)}`, '7'],
  ])('calls %j with counter %j malformed', (token, counter) => {
    expect(verifySolution(secret, token as string, counter, 'report', 0, now)).toBe('pow_malformed');
  });

  it('parses the difficulty a client must meet', () => {
    expect(parseChallenge(issueChallenge(secret, 'report', 17, 60, now))?.bits).toBe(17);
  });
});
