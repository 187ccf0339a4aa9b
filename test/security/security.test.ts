// SASL and TLS against a real broker with security listeners (started here,
// on ports of its own): good credentials work, bad ones are refused clearly,
// and our statically linked OpenSSL coexists with Node's own.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KafkaError, Producer } from '../../src';
import { BrokerRun } from '../support/broker-run';
import { roundTrip } from '../support/round-trip';

const broker = new BrokerRun('secure');
let env: Record<string, string>;

beforeAll(async () => {
  await broker.start('--port', process.env.KAFKA_SECURE_TEST_PORT ?? '29600', '--security');
  env = broker.readEnv('security.env');
}, 150_000);

afterAll(() => broker.stop(), 60_000);

async function connectError(config: Record<string, unknown>): Promise<KafkaError> {
  const producer = new Producer({ ...config, 'socket.timeout.ms': 5000 } as never);
  const error = await producer.connect({ timeoutMs: 5000 }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  await producer.disconnect();
  expect(error).toBeInstanceOf(KafkaError);
  return error as KafkaError;
}

describe('SASL', () => {
  it.each(['SCRAM-SHA-512', 'SCRAM-SHA-256'])('produces and consumes with %s', async (mechanism) => {
    await roundTrip({
      'bootstrap.servers': env.KAFKA_SASL_PLAINTEXT_BOOTSTRAP,
      'security.protocol': 'sasl_plaintext',
      'sasl.mechanisms': mechanism,
      'sasl.username': env.KAFKA_SCRAM_USERNAME,
      'sasl.password': env.KAFKA_SCRAM_PASSWORD,
    });
  });

  it('produces and consumes with PLAIN', async () => {
    await roundTrip({
      'bootstrap.servers': env.KAFKA_SASL_PLAINTEXT_BOOTSTRAP,
      'security.protocol': 'sasl_plaintext',
      'sasl.mechanisms': 'PLAIN',
      'sasl.username': env.KAFKA_PLAIN_USERNAME,
      'sasl.password': env.KAFKA_PLAIN_PASSWORD,
    });
  });

  it('refuses a wrong password with a clear authentication error', async () => {
    const errors: KafkaError[] = [];
    const producer = new Producer({
      'bootstrap.servers': env.KAFKA_SASL_PLAINTEXT_BOOTSTRAP,
      'security.protocol': 'sasl_plaintext',
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': env.KAFKA_SCRAM_USERNAME,
      'sasl.password': 'definitely-wrong',
    });
    producer.on('error', (error) => errors.push(error));
    const error = await producer.connect({ timeoutMs: 5000 }).then(
      () => undefined,
      (caught: unknown) => caught as KafkaError,
    );
    await producer.disconnect();
    expect(error).toBeInstanceOf(KafkaError);
    const all = [error!, ...errors];
    expect(error!.code).toMatch(/^(_AUTHENTICATION|SASL_AUTHENTICATION_FAILED)$/);
    expect(error!.message).toMatch(/[Aa]uthentication/);
    expect(all.length).toBeGreaterThan(0);
  });
});

describe('TLS', () => {
  it('produces and consumes over SSL with the CA given', async () => {
    await roundTrip({
      'bootstrap.servers': env.KAFKA_SSL_BOOTSTRAP,
      'security.protocol': 'ssl',
      'ssl.ca.location': env.KAFKA_SSL_CA_PEM,
    });
  });

  it('refuses a broker certificate it cannot trust, saying so', async () => {
    const error = await connectError({
      'bootstrap.servers': env.KAFKA_SSL_BOOTSTRAP,
      'security.protocol': 'ssl',
      // The system store does not know the test CA.
      'ssl.ca.location': '/etc/ssl/certs/ca-certificates.crt',
    });
    expect(error.message).toMatch(/SSL|certificate|handshake/i);
    // librdkafka reports a failed verification as _SSL or, on a retried handshake, _TRANSPORT.
    expect(['_SSL', '_TRANSPORT']).toContain(error.code);
    expect(error.message).toMatch(/certificate verify failed/);
  });

  it("keeps Node's own OpenSSL working beside ours in the same process", async () => {
    // Both libraries are in this process; with interposed symbols one of the two handshakes would break.
    await roundTrip({
      'bootstrap.servers': env.KAFKA_SSL_BOOTSTRAP,
      'security.protocol': 'ssl',
      'ssl.ca.location': env.KAFKA_SSL_CA_PEM,
    });
    const [host, port] = env.KAFKA_SSL_BOOTSTRAP.split(',')[0].split(':');
    const protocol = await new Promise<string | null>((resolve, reject) => {
      const socket = tls.connect(
        { host, port: Number(port), ca: readFileSync(env.KAFKA_SSL_CA_PEM), servername: 'localhost' },
        () => {
          const negotiated = socket.getProtocol();
          socket.end();
          resolve(negotiated);
        },
      );
      socket.setTimeout(10_000, () => reject(new Error('node tls timed out')));
      socket.on('error', reject);
    });
    expect(protocol).toMatch(/^TLSv1\.[23]$/);
  });
});
