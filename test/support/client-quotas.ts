// Sets a broker's client quotas (KIP-546 AlterClientQuotas, API key 49,
// version 0) with one raw Kafka request: librdkafka has no client-quota admin
// call and the broker's jars we fetch carry no command-line tools. Tests use it
// to make the broker throttle one client.id.
import net from 'node:net';

function string(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const length = Buffer.alloc(2);
  length.writeInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function int16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeInt16BE(value);
  return buffer;
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function float64(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleBE(value);
  return buffer;
}

/** Quotas for one client.id, e.g. { producer_byte_rate: 1024 }. Rejects with the broker's error. */
export async function setClientQuotas(bootstrap: string, clientId: string, quotas: Record<string, number>): Promise<void> {
  const [host, port] = bootstrap.split(',')[0].split(':');
  const ops = Object.entries(quotas).map(([key, value]) => Buffer.concat([string(key), float64(value), Buffer.from([0])]));
  const body = Buffer.concat([
    int32(1), // one entry
    int32(1), // one entity part
    string('client-id'),
    string(clientId),
    int32(ops.length),
    ...ops,
    Buffer.from([0]), // validate_only = false
  ]);
  const header = Buffer.concat([int16(49), int16(0), int32(1), string('rdkafka-napi-test-quotas')]);
  const request = Buffer.concat([int32(header.length + body.length), header, body]);
  const response = await new Promise<Buffer>((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port) }, () => socket.write(request));
    let received = Buffer.alloc(0);
    socket.setTimeout(10_000, () => socket.destroy(new Error('AlterClientQuotas: no answer within 10 s')));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        socket.end();
        resolve(received.subarray(4, 4 + received.readInt32BE(0)));
      }
    });
    socket.on('error', reject);
  });
  // correlation_id, throttle_time_ms, entries count, then the first entry's error_code.
  const errorCode = response.readInt16BE(12);
  if (errorCode !== 0) throw new Error(`AlterClientQuotas failed with Kafka error code ${errorCode}`);
}
