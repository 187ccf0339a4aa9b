// SASL and TLS against a real broker with security listeners (started here,
// on ports of its own): good credentials work, bad ones are refused clearly,
// and our statically linked OpenSSL coexists with Node's own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminClient, Consumer, KafkaError, Producer } from '../../src';
import { collect } from '../support/consume';
import { uniqueTopic } from '../support/mock';

const script = path.resolve(__dirname, '..', '..', 'scripts', 'kafka-broker.sh');
let runDir: string;
let env: Record<string, string>;

beforeAll(() => {
  runDir = mkdtempSync(path.join(tmpdir(), 'rdkafka-napi-secure-'));
  execFileSync('bash', [script, 'start', '--dir', runDir, '--port', process.env.KAFKA_SECURE_TEST_PORT ?? '29600', '--security'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 120_000,
  });
  env = Object.fromEntries(
    readFileSync(path.join(runDir, 'security.env'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}, 150_000);

afterAll(() => {
  if (runDir) {
    execFileSync('bash', [script, 'stop', '--dir', runDir], { stdio: 'inherit', timeout: 60_000 });
    rmSync(runDir, { recursive: true, force: true });
  }
});

async function roundTrip(config: Record<string, unknown>): Promise<void> {
  const topic = uniqueTopic('secure');
  const admin = new AdminClient(config as never);
  await admin.connect();
  await admin.createTopics([{ topic, partitions: 1 }]);
  await admin.disconnect();
  const producer = new Producer(config as never);
  await producer.connect();
  const report = await producer.send({ topic, key: 'k', value: 'secret payload' });
  expect(report.offset).toBe(0);
  await producer.disconnect();
  const consumer = new Consumer({ ...config, 'group.id': uniqueTopic('secure'), 'auto.offset.reset': 'earliest' } as never);
  await consumer.connect();
  consumer.subscribe(topic);
  const [message] = await collect(consumer, 1, 30_000);
  expect(message?.value?.toString()).toBe('secret payload');
  await consumer.disconnect();
}

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
      const socket = tls.connect({ host, port: Number(port), ca: readFileSync(env.KAFKA_SSL_CA_PEM), servername: 'localhost' }, () => {
        const negotiated = socket.getProtocol();
        socket.end();
        resolve(negotiated);
      });
      socket.setTimeout(10_000, () => reject(new Error('node tls timed out')));
      socket.on('error', reject);
    });
    expect(protocol).toMatch(/^TLSv1\.[23]$/);
  });
});
