// TLS identity both ways and secrets kept secret, on a real broker with
// security listeners started here (scripts/kafka-broker.sh --security --mtls):
// - a broker certificate for another host name is refused by default
//   (librdkafka's ssl.endpoint.identification.algorithm=https), clearly;
// - a listener requiring client certificates (ssl.client.auth=required)
//   accepts ours and refuses a client without one;
// - sasl.password, ssl.key.password and ssl.key.pem never appear in log
//   events (debug: 'all'), error messages or stats.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KafkaError, Producer } from '../../src';
import { BrokerRun } from '../support/broker-run';
import { uniqueTopic } from '../support/mock';
import { roundTrip } from '../support/round-trip';

const broker = new BrokerRun('tls');
let env: Record<string, string>;

beforeAll(async () => {
  await broker.start('--port', process.env.KAFKA_TLS_TEST_PORT ?? '29500', '--security', '--mtls');
  env = broker.readEnv('security.env');
}, 150_000);

afterAll(() => broker.stop(), 60_000);

async function connectFailure(config: Record<string, unknown>): Promise<{ error: KafkaError; events: KafkaError[] }> {
  const producer = new Producer({ 'socket.timeout.ms': 5000, 'reconnect.backoff.max.ms': 500, ...config } as never);
  const events: KafkaError[] = [];
  producer.on('error', (error) => events.push(error));
  const error = await producer.connect({ timeoutMs: 5000 }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  await producer.disconnect();
  expect(error).toBeInstanceOf(KafkaError);
  return { error: error as KafkaError, events };
}

describe('TLS endpoint identification', () => {
  it('refuses a broker certificate made for another host name, by default, saying why', async () => {
    const { error, events } = await connectFailure({
      'bootstrap.servers': env.KAFKA_WRONG_HOST_BOOTSTRAP,
      'security.protocol': 'ssl',
      'ssl.ca.location': env.KAFKA_SSL_CA_PEM,
    });
    expect(['_SSL', '_TRANSPORT']).toContain(error.code);
    expect(error.message).toMatch(/Could not reach the cluster within 5000 ms: .*SSL handshake failed/);
    // OpenSSL names the failed check: the certificate does not match the host.
    const said = [error.message, ...events.map((event) => event.message)].join('\n');
    expect(said).toMatch(/certificate verify failed|hostname mismatch|IP address mismatch/);
  });

  it('connects to the same listener once endpoint identification is turned off (so the host name was the reason)', async () => {
    const producer = new Producer({
      'bootstrap.servers': env.KAFKA_WRONG_HOST_BOOTSTRAP,
      'security.protocol': 'ssl',
      'ssl.ca.location': env.KAFKA_SSL_CA_PEM,
      'ssl.endpoint.identification.algorithm': 'none',
    });
    await producer.connect({ timeoutMs: 10_000 });
    expect((await producer.getMetadata()).brokers.length).toBe(1);
    await producer.disconnect();
  });
});

describe('mTLS (ssl.client.auth=required)', () => {
  const base = (): Record<string, unknown> => ({
    'bootstrap.servers': env.KAFKA_MTLS_BOOTSTRAP,
    'security.protocol': 'ssl',
    'ssl.ca.location': env.KAFKA_SSL_CA_PEM,
  });

  it('accepts a client certificate signed by the CA the broker trusts (files and PEM strings)', async () => {
    await roundTrip({
      ...base(),
      'ssl.certificate.location': env.KAFKA_SSL_CLIENT_CERT_PEM,
      'ssl.key.location': env.KAFKA_SSL_CLIENT_KEY_PEM,
    });
    await roundTrip({
      ...base(),
      'ssl.certificate.pem': readFileSync(env.KAFKA_SSL_CLIENT_CERT_PEM, 'utf8'),
      'ssl.key.pem': readFileSync(env.KAFKA_SSL_CLIENT_KEY_PEM, 'utf8'),
    });
  });

  it('refuses a client without a certificate, with an SSL error', async () => {
    const { error, events } = await connectFailure(base());
    expect(['_SSL', '_TRANSPORT']).toContain(error.code);
    const said = [error.message, ...events.map((event) => event.message)].join('\n');
    expect(said).toMatch(/SSL|certificate|handshake/i);
  });
});

describe('secrets', () => {
  const keyPassword = 'key-passphrase-never-logged-7f3a';
  const wrongSaslPassword = 'wrong-sasl-password-never-logged-91c2';

  /** The client key, encrypted with keyPassword, as PEM. */
  const encryptedKey = (): string =>
    createPrivateKey(readFileSync(env.KAFKA_SSL_CLIENT_KEY_PEM))
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: keyPassword })
      .toString();

  /** Distinctive lines of a PEM body: none may leak. */
  const pemLines = (pem: string): string[] => pem.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));

  async function observe(config: Record<string, unknown>, work: (producer: Producer) => Promise<void>): Promise<string> {
    const seen: string[] = [];
    const producer = new Producer({ debug: 'all', 'statistics.interval.ms': 100, ...config } as never);
    producer.on('log', (entry) => seen.push(`${entry.facility} ${entry.message}`));
    producer.on('error', (error) => seen.push(error.message, error.librdkafkaMessage));
    producer.on('stats', (stats) => seen.push(JSON.stringify(stats)));
    try {
      await work(producer);
    } catch (error) {
      seen.push(String(error), (error as Error).stack ?? '', String((error as Error).cause ?? ''));
    }
    await producer.disconnect({ timeoutMs: 2000 }).catch((error: unknown) => seen.push(String(error)));
    return seen.join('\n');
  }

  it('ssl.key.pem and ssl.key.password stay out of logs (debug: all), errors and stats', async () => {
    const keyPem = encryptedKey();
    const plainKeyPem = readFileSync(env.KAFKA_SSL_CLIENT_KEY_PEM, 'utf8');
    const config = {
      'bootstrap.servers': env.KAFKA_MTLS_BOOTSTRAP,
      'security.protocol': 'ssl',
      'ssl.ca.location': env.KAFKA_SSL_CA_PEM,
      'ssl.certificate.pem': readFileSync(env.KAFKA_SSL_CLIENT_CERT_PEM, 'utf8'),
      'ssl.key.pem': keyPem,
      'ssl.key.password': keyPassword,
    };
    const topic = uniqueTopic('secret');
    const text = await observe(config, async (producer) => {
      await producer.connect();
      await producer.send({ topic, value: 'v' });
      await new Promise((resolve) => setTimeout(resolve, 300)); // a few stats
    });
    expect(text).toMatch(/"type":"producer"/); // stats came
    expect(text.length).toBeGreaterThan(10_000); // debug logs came
    expect(text).not.toContain(keyPassword);
    for (const line of [...pemLines(keyPem), ...pemLines(plainKeyPem)]) expect(text).not.toContain(line);

    // A wrong key password: the failure says so without the password.
    const failed = await observe({ ...config, 'ssl.key.password': `${keyPassword}-wrong` }, (producer) =>
      producer.connect({ timeoutMs: 5000 }),
    );
    expect(failed).toMatch(/ssl\.key|private key|decrypt|bad password/i);
    expect(failed).not.toContain(keyPassword);
    for (const line of pemLines(keyPem)) expect(failed).not.toContain(line);
  });

  it('sasl.password stays out of logs (debug: all), errors and stats, right or wrong', async () => {
    const config = {
      'bootstrap.servers': env.KAFKA_SASL_PLAINTEXT_BOOTSTRAP,
      'security.protocol': 'sasl_plaintext',
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': env.KAFKA_SCRAM_USERNAME,
    };
    const good = await observe({ ...config, 'sasl.password': env.KAFKA_SCRAM_PASSWORD }, async (producer) => {
      await producer.connect();
      await producer.send({ topic: uniqueTopic('sasl-secret'), value: 'v' });
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    expect(good).toMatch(/SASL|sasl/);
    expect(good).not.toContain(env.KAFKA_SCRAM_PASSWORD);
    const bad = await observe({ ...config, 'sasl.password': wrongSaslPassword }, (producer) =>
      producer.connect({ timeoutMs: 5000 }),
    );
    expect(bad).toMatch(/[Aa]uthentication/);
    expect(bad).not.toContain(wrongSaslPassword);
    // PLAIN sends the password in the clear on the wire; it still never reaches our events.
    const plain = await observe(
      {
        ...config,
        'sasl.mechanisms': 'PLAIN',
        'sasl.username': env.KAFKA_PLAIN_USERNAME,
        'sasl.password': wrongSaslPassword,
      },
      (producer) => producer.connect({ timeoutMs: 5000 }),
    );
    expect(plain).toMatch(/[Aa]uthentication/);
    expect(plain).not.toContain(wrongSaslPassword);
  });
});
