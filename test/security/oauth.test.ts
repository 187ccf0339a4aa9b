// OAUTHBEARER against a real broker started here, on ports of its own, with
// two listeners: Kafka's unsecured-JWT validator (tokens from a JavaScript
// provider) and its JWKS validator, which checks RS256 JWTs against keys that
// this file serves, together with an OIDC token endpoint, on 127.0.0.1.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  AdminClient,
  Consumer,
  ErrorCodes,
  KafkaError,
  type OAuthBearerToken,
  type OAuthBearerTokenProvider,
  Producer,
  librdkafkaFeatures,
} from '../../src';
import { BrokerRun } from '../support/broker-run';
import { roundTrip } from '../support/round-trip';
import { collect } from '../support/consume';
import { uniqueTopic } from '../support/mock';

const broker = new BrokerRun('oauth');
const AUDIENCE = 'rdkafka-napi-test';
const CLIENT_ID = 'test-client';
const CLIENT_SECRET = `secret-${randomBytes(12).toString('hex')}`;

let env: Record<string, string>;
let issuer: string;
let server: http.Server;
let tokenRequests = 0;
const issuedTokens: string[] = [];

// ------------------------------------------------------------ JWT helpers ----
const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyId = createHash('sha256')
  .update(publicKey.export({ format: 'der', type: 'spki' }))
  .digest('hex')
  .slice(0, 16);

function signedJwt(claims: Record<string, unknown>, key: KeyObject = privateKey): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: keyId }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key);
  return `${header}.${payload}.${base64url(signature)}`;
}

/** What Kafka's unsecured validator accepts: alg "none", sub, iat, exp. */
function unsecuredJwt(principal: string, expiresAtMs: number): string {
  const header = base64url(JSON.stringify({ alg: 'none' }));
  const payload = base64url(JSON.stringify({ sub: principal, iat: Math.floor(Date.now() / 1000), exp: expiresAtMs / 1000 }));
  return `${header}.${payload}.`;
}

function tokenFor(principal: string, lifetimeMs: number, jwtExpiresAtMs = Date.now() + lifetimeMs): OAuthBearerToken {
  const token = unsecuredJwt(principal, jwtExpiresAtMs);
  issuedTokens.push(token);
  return { token, lifetimeMs: Date.now() + lifetimeMs, principal };
}

// -------------------------------------------------------- JWKS and token ----
function startIdentityServer(): Promise<void> {
  server = http.createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && request.url === '/jwks') {
      reply(200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: keyId, alg: 'RS256', use: 'sig' }] });
      return;
    }
    if (request.method === 'POST' && request.url === '/token') {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        tokenRequests++;
        const form = new URLSearchParams(body);
        // Client credentials come as HTTP Basic (librdkafka's way) or in the form.
        let id = form.get('client_id');
        let secret = form.get('client_secret');
        const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
        if (basic) [id, secret] = Buffer.from(basic[1]!, 'base64').toString().split(':');
        if (form.get('grant_type') !== 'client_credentials') {
          reply(400, { error: 'unsupported_grant_type' });
        } else if (id !== CLIENT_ID || secret !== CLIENT_SECRET) {
          reply(401, { error: 'invalid_client', error_description: 'client authentication failed' });
        } else {
          const now = Math.floor(Date.now() / 1000);
          const token = signedJwt({ sub: id, iss: issuer, aud: AUDIENCE, iat: now, exp: now + 3600, scope: 'kafka' });
          issuedTokens.push(token);
          reply(200, { access_token: token, token_type: 'bearer', expires_in: 3600 });
        }
      });
      return;
    }
    reply(404, { error: 'not_found' });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

beforeAll(async () => {
  await startIdentityServer();
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Asynchronous: the broker fetches the JWKS from this process while it starts.
  await broker.start(
    '--port',
    process.env.KAFKA_OAUTH_TEST_PORT ?? '29960',
    '--oauth',
    '--oauth-jwks-url',
    `${issuer}/jwks`,
    '--oauth-audience',
    AUDIENCE,
    '--oauth-issuer',
    issuer,
  );
  env = broker.readEnv('oauth.env');
}, 150_000);

afterAll(async () => {
  await broker.stop();
  await new Promise((resolve) => server?.close(resolve));
}, 60_000);

function providerConfig(): Record<string, unknown> {
  return {
    'bootstrap.servers': env.KAFKA_OAUTH_BOOTSTRAP,
    'security.protocol': 'sasl_plaintext',
    'sasl.mechanisms': 'OAUTHBEARER',
  };
}

function oidcConfig(secret = CLIENT_SECRET): Record<string, unknown> {
  return {
    'bootstrap.servers': env.KAFKA_OIDC_BOOTSTRAP,
    'security.protocol': 'sasl_plaintext',
    'sasl.mechanisms': 'OAUTHBEARER',
    'sasl.oauthbearer.method': 'oidc',
    'sasl.oauthbearer.client.id': CLIENT_ID,
    'sasl.oauthbearer.client.secret': secret,
    'sasl.oauthbearer.token.endpoint.url': `${issuer}/token`,
    'sasl.oauthbearer.scope': 'kafka',
  };
}

async function connectFailure(client: Producer | Consumer, timeoutMs: number) {
  const started = Date.now();
  const error = await client.connect({ timeoutMs }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  const elapsedMs = Date.now() - started;
  await client.disconnect();
  expect(error).toBeInstanceOf(KafkaError);
  return { error: error as KafkaError, elapsedMs };
}

describe('token provider', () => {
  it('produces and consumes with tokens from a JavaScript provider (admin, producer, consumer)', async () => {
    const principals: string[] = [];
    const provider: OAuthBearerTokenProvider = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50)); // a provider that takes its time
      principals.push('alice');
      return tokenFor('alice', 3_600_000);
    };
    await roundTrip(providerConfig(), { oauthBearerTokenProvider: provider });
    expect(principals.length).toBeGreaterThanOrEqual(3); // one client each asked for a token
  });

  it('refreshes a short-lived token before it expires, without interrupting the flow', async () => {
    // librdkafka checks every second whether 80% of the lifetime has passed:
    // a refresh comes 4.8-5.8 s after the token it replaces.
    const lifetimeMs = 6000;
    const calledAt: number[] = [];
    const provider: OAuthBearerTokenProvider = () => {
      calledAt.push(Date.now());
      return tokenFor('refresher', lifetimeMs);
    };
    const config = providerConfig();
    const topic = uniqueTopic('oauth-refresh');
    const producer = new Producer(config as never, { oauthBearerTokenProvider: provider });
    const errors: KafkaError[] = [];
    producer.on('error', (error) => errors.push(error));
    await producer.connect();
    const runMs = 20_000; // more than three lifetimes
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < runMs) {
      const report = await producer.send({ topic, value: `m${sent}` });
      expect(report.error).toBeUndefined();
      sent++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await producer.disconnect();
    // A token at connect, then one every 4.8-5.8 s, each before the one it replaces expired.
    expect(calledAt.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < calledAt.length; i++) expect(calledAt[i]! - calledAt[i - 1]!).toBeLessThan(lifetimeMs);
    expect(errors.filter((error) => error.errno === ErrorCodes._AUTHENTICATION)).toEqual([]);

    const consumer = new Consumer({ ...config, 'group.id': uniqueTopic('oauth'), 'auto.offset.reset': 'earliest' } as never, {
      oauthBearerTokenProvider: provider,
    });
    await consumer.connect();
    consumer.subscribe(topic);
    const messages = await collect(consumer, sent, 30_000);
    await consumer.disconnect();
    expect(messages.map((message) => message.value?.toString())).toEqual(Array.from({ length: sent }, (_, i) => `m${i}`));
  }, 60_000);

  it.each(['producer', 'consumer'] as const)(
    'a %s whose token the broker refuses fails connect() fast with an authentication error',
    async (kind) => {
      // librdkafka accepts it (lifetimeMs is ahead), the broker sees an expired JWT.
      const provider = () => tokenFor('late', 60_000, Date.now() - 60_000);
      const config = { ...providerConfig(), 'group.id': uniqueTopic('oauth') };
      const client =
        kind === 'producer'
          ? new Producer(config as never, { oauthBearerTokenProvider: provider })
          : new Consumer(config as never, { oauthBearerTokenProvider: provider });
      const { error, elapsedMs } = await connectFailure(client, 20_000);
      expect(error.errno).toBe(ErrorCodes._AUTHENTICATION);
      expect(error.message).toMatch(/refused the OAUTHBEARER token: .*(SASL authentication error|invalid_token)/i);
      expect(elapsedMs).toBeLessThan(10_000);
    },
  );

  it.each(['producer', 'consumer'] as const)(
    "a %s whose provider throws fails connect() fast with the provider's message",
    async (kind) => {
      const provider = () => Promise.reject(new Error('identity service unavailable'));
      const config = { ...providerConfig(), 'group.id': uniqueTopic('oauth') };
      const client =
        kind === 'producer'
          ? new Producer(config as never, { oauthBearerTokenProvider: provider })
          : new Consumer(config as never, { oauthBearerTokenProvider: provider });
      const { error, elapsedMs } = await connectFailure(client, 20_000);
      expect(error.errno).toBe(ErrorCodes._AUTHENTICATION);
      expect(error.message).toBe('OAUTHBEARER token provider failed: the token provider threw: identity service unavailable');
      expect(elapsedMs).toBeLessThan(2000);
    },
  );

  it('a malformed token is refused before it reaches librdkafka, saying what to change', async () => {
    // A duration where the expiry time belongs: the most likely mistake.
    const provider = () => ({ token: unsecuredJwt('bob', Date.now() + 60_000), lifetimeMs: 60_000, principal: 'bob' });
    const { error } = await connectFailure(
      new Producer(providerConfig() as never, { oauthBearerTokenProvider: provider }),
      20_000,
    );
    expect(error.errno).toBe(ErrorCodes._AUTHENTICATION);
    expect(error.message).toMatch(
      /unusable token: Expected lifetimeMs to be when the token expires, in milliseconds since the epoch/,
    );
  });

  it('a provider failing after connect is reported as an error event and retried by librdkafka', async () => {
    let calls = 0;
    const provider = () => {
      calls++;
      if (calls === 1) return tokenFor('flaky', 2500);
      throw new Error(`token service outage #${calls}`);
    };
    const producer = new Producer(providerConfig() as never, { oauthBearerTokenProvider: provider });
    const errors: KafkaError[] = [];
    producer.on('error', (error) => errors.push(error));
    await producer.connect();
    const deadline = Date.now() + 10_000;
    while (!errors.some((error) => /token service outage/.test(error.message)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await producer.disconnect();
    const reported = errors.find((error) => /token service outage/.test(error.message));
    expect(reported?.errno).toBe(ErrorCodes._AUTHENTICATION);
    expect(reported?.message).toMatch(
      /Failed to acquire SASL OAUTHBEARER token: the token provider threw: token service outage #2/,
    );
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('refuses a provider for a client that does not use SASL/OAUTHBEARER', () => {
    expect(
      () =>
        new Producer({ 'bootstrap.servers': env.KAFKA_OAUTH_BOOTSTRAP } as never, {
          oauthBearerTokenProvider: () => tokenFor('x', 1000),
        }),
    ).toThrow(/needs config "security.protocol": "sasl_ssl" \(or "sasl_plaintext"\) and "sasl.mechanisms": "OAUTHBEARER"/);
    expect(() => new AdminClient(oidcConfig() as never, { oauthBearerTokenProvider: () => tokenFor('x', 1000) })).toThrow(
      /"sasl.oauthbearer.method": "oidc" both supply tokens/,
    );
  });
});

describe('OIDC client credentials (librdkafka built-in)', () => {
  it('the linked librdkafka has OIDC support', () => {
    expect(librdkafkaFeatures).toContain('http');
    expect(librdkafkaFeatures).toContain('oidc');
  });

  it('produces and consumes with a token from the local token endpoint, validated against its JWKS', async () => {
    const before = tokenRequests;
    await roundTrip(oidcConfig(), {});
    expect(tokenRequests - before).toBeGreaterThanOrEqual(3);
  });

  it('a wrong client secret is refused with a clear error', async () => {
    const producer = new Producer(oidcConfig('not-the-secret') as never);
    const { error } = await connectFailure(producer, 5000);
    expect(error.errno).toBe(ErrorCodes._AUTHENTICATION);
    expect(error.message).toMatch(/Failed to acquire SASL OAUTHBEARER token: .*invalid_client/);
    expect(error.message).not.toContain('not-the-secret');
  });
});

describe('secrecy', () => {
  it('tokens and the client secret never appear in logs (debug: all), errors or stats', async () => {
    const seen: string[] = [];
    const watch = (client: Producer | Consumer) => {
      client.on('log', (entry) => seen.push(entry.message));
      client.on('error', (error) => seen.push(error.message, error.librdkafkaMessage));
      client.on('stats', (stats) => seen.push(JSON.stringify(stats)));
    };
    const verbose = { debug: 'all', 'statistics.interval.ms': 200 };
    const topic = uniqueTopic('oauth-secret');
    const provider = () => tokenFor('secretive', 3000);
    const withProvider = new Producer({ ...providerConfig(), ...verbose } as never, { oauthBearerTokenProvider: provider });
    watch(withProvider);
    await withProvider.connect();
    await withProvider.send({ topic, value: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 3000)); // a refresh
    await withProvider.disconnect();

    const withOidc = new Producer({ ...oidcConfig(), ...verbose } as never);
    watch(withOidc);
    await withOidc.connect();
    await withOidc.send({ topic, value: 'y' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await withOidc.disconnect();

    const refused = new Producer({ ...oidcConfig(`${CLIENT_SECRET}-wrong`), ...verbose } as never);
    watch(refused);
    await connectFailure(refused, 3000).then(({ error }) => seen.push(error.message));

    expect(seen.length).toBeGreaterThan(100); // debug logging really was on
    const text = seen.join('\n');
    expect(text).not.toContain(CLIENT_SECRET);
    for (const token of issuedTokens) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.split('.')[1]!); // not even the claims
    }
  }, 60_000);
});
