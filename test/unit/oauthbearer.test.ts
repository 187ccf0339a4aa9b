// What a token provider may return, checked before librdkafka sees it; the
// messages name the field and never quote the token.
import { describe, expect, it } from 'vitest';

import { checkToken } from '../../src/oauthbearer';

const SECRET_TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.';

function message(value: unknown): string {
  try {
    checkToken(value);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('checkToken accepted it');
}

describe('checkToken', () => {
  it('passes a good token through, with extensions flattened for librdkafka', () => {
    const lifetimeMs = Date.now() + 60_000.7;
    expect(checkToken({ token: SECRET_TOKEN, lifetimeMs, principal: 'alice', extensions: { logicalCluster: 'lkc-1' } })).toEqual({
      token: SECRET_TOKEN,
      lifetimeMs: Math.floor(lifetimeMs),
      principal: 'alice',
      extensions: ['logicalCluster', 'lkc-1'],
    });
  });

  it('tells a duration from an expiry time', () => {
    expect(message({ token: SECRET_TOKEN, lifetimeMs: 3_600_000, principal: 'a' })).toMatch(
      /lifetimeMs to be when the token expires, in milliseconds since the epoch .* looks like a duration/,
    );
    expect(message({ token: SECRET_TOKEN, lifetimeMs: Date.now() - 1000, principal: 'a' })).toMatch(
      /in the future but the token expired at/,
    );
  });

  it('refuses missing or malformed fields by name, without quoting the token', () => {
    expect(message(undefined)).toMatch(/Expected an object \{ token, lifetimeMs, principal \} for the token/);
    expect(message({ token: '', lifetimeMs: Date.now() + 1000, principal: 'a' })).toMatch(
      /non-empty string for token but received an empty string/,
    );
    const badToken = `${SECRET_TOKEN}\u0001`;
    const badTokenMessage = message({ token: badToken, lifetimeMs: Date.now() + 1000, principal: 'a' });
    expect(badTokenMessage).toMatch(/visible ASCII/);
    expect(badTokenMessage).not.toContain(SECRET_TOKEN);
    expect(message({ token: SECRET_TOKEN, lifetimeMs: Date.now() + 1000, principal: '' })).toMatch(
      /non-empty string for principal/,
    );
    expect(message({ token: SECRET_TOKEN, lifetimeMs: Date.now() + 1000, principal: 'a', extensions: { auth: 'x' } })).toMatch(
      /letters only, other than "auth"/,
    );
    expect(
      message({ token: SECRET_TOKEN, lifetimeMs: Date.now() + 1000, principal: 'a', extensions: { 'pool-id': 'x' } }),
    ).toMatch(/letters only/);
    expect(message({ token: SECRET_TOKEN, lifetimeMs: Date.now() + 1000, principal: 'a', extensions: { pool: 7 } })).toMatch(
      /extensions.pool to be a string/,
    );
  });
});
