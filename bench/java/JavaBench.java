/*
 * A reference from outside Node for bench/run.js: Apache Kafka's own Java client
 * (kafka-clients of the broker's version, from the jars scripts/kafka-broker.sh
 * fetches) running the workloads of bench/raw/raw_bench.c and bench/clients/*.js,
 * and printing the same one JSON line (see the header of bench/clients/harness.js;
 * no event-loop fields: there is no event loop).
 *
 * bench/run.js compiles it with javac into the bench cache when this file is newer
 * than the class, and starts it as
 *   java -Xmx1g -cp <classes>:<jars> JavaBench '<settings JSON>'
 *
 * Settings as every client gets them (acks, idempotence, linger.ms 5 for throughput and
 * 0 for latency, fetch.max.wait.ms when set); everything else is the Java client's own
 * default (16 KiB batches, 500 records a poll).
 *
 * The JVM compiles its hot paths while the timed part runs: that JIT warm-up, and the
 * compiler threads' CPU, are part of what this client costs, as V8's are for the Node
 * clients. Like them it gets only one untimed delivered message (or the group join) first.
 */
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class JavaBench {
  private static final long NANOS = 1_000_000_000L;
  /** A consumer that got nothing for this long has read everything there is (as the others). */
  private static final long IDLE_END_NANOS = NANOS;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration CLOSE = Duration.ofSeconds(10);

  /** The workload settings bench/run.js passes (see harness.js settings()). */
  private static final class Settings {
    final String workload;
    final String brokers;
    final String topic;
    final double seconds;
    final long max;
    final long expect;
    final int size;
    final String acks;
    final boolean idempotence;
    final String group;
    final double rate;
    final double warmup;
    final String fetchWaitMs;

    Settings(Map<String, String> s) {
      workload = s.getOrDefault("workload", "");
      brokers = s.getOrDefault("brokers", "127.0.0.1:9092");
      topic = s.getOrDefault("topic", "bench");
      seconds = Double.parseDouble(s.getOrDefault("seconds", "3"));
      max = Long.parseLong(s.getOrDefault("max", "2000000"));
      expect = Long.parseLong(s.getOrDefault("expect", s.getOrDefault("max", "1000000")));
      size = Integer.parseInt(s.getOrDefault("size", "100"));
      acks = s.getOrDefault("acks", "1");
      idempotence = Boolean.parseBoolean(s.getOrDefault("idempotence", "false"));
      group = s.getOrDefault("group", "bench-java-" + ProcessHandle.current().pid());
      rate = Double.parseDouble(s.getOrDefault("rate", "10000"));
      warmup = Double.parseDouble(s.getOrDefault("warmup", "0.5"));
      fetchWaitMs = s.get("fetchWaitMs");
    }
  }

  /** What a workload measured, and what closes its clients once the line is printed. */
  private static final class Result {
    long msgs;
    long errors;
    double seconds;
    double msgsPerSec;
    double cpuSec;
    long bytes = -1; // consume only
    double[] latencyMs; // p50, p99, p999, max; latency only
    AutoCloseable cleanup = () -> {};
  }

  // The settings are one flat JSON object of strings, numbers and booleans: a pattern
  // per key/value pair is enough, and spares a JSON library on the classpath.
  private static final Pattern PAIR =
      Pattern.compile("\"([^\"]+)\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\s]+)");

  static Map<String, String> parseFlatJson(String json) {
    Map<String, String> pairs = new HashMap<>();
    Matcher m = PAIR.matcher(json);
    while (m.find()) {
      String value = m.group(2);
      if (value.startsWith("\"")) {
        value = value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1");
      }
      pairs.put(m.group(1), value);
    }
    return pairs;
  }

  /** Process CPU time, all threads (JIT compiler and GC threads included), in nanoseconds. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The process's own high-water resident set (VmHWM), as every runner reports it. */
  static double peakRssMB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (Exception ignored) {
      // not Linux: no figure
    }
    return 0;
  }

  /** The kafka-clients version, from the properties file its jar has always carried. */
  static String clientVersion() {
    Properties p = new Properties();
    try (var in = KafkaProducer.class.getClassLoader().getResourceAsStream("kafka/kafka-version.properties")) {
      if (in != null) p.load(in);
    } catch (Exception ignored) {
      // unknown
    }
    return p.getProperty("version", "unknown");
  }

  static Properties producerConfig(Settings s, int lingerMs) {
    Properties p = new Properties();
    p.put("bootstrap.servers", s.brokers);
    p.put("acks", s.acks);
    p.put("linger.ms", String.valueOf(lingerMs));
    // The Java client turns idempotence on by default (librdkafka does not): say it either way.
    p.put("enable.idempotence", String.valueOf(s.idempotence));
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    return p;
  }

  static KafkaConsumer<byte[], byte[]> subscribedConsumer(Settings s) {
    Properties p = new Properties();
    p.put("bootstrap.servers", s.brokers);
    p.put("group.id", s.group);
    p.put("auto.offset.reset", "earliest");
    if (s.fetchWaitMs != null) p.put("fetch.max.wait.ms", s.fetchWaitMs);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
    consumer.subscribe(List.of(s.topic));
    return consumer;
  }

  /** Counts failed deliveries (the others are sent minus failed), reporting the first. */
  static final class FailureCounter implements Callback {
    final AtomicLong failed = new AtomicLong();

    @Override
    public void onCompletion(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception e) {
      if (e != null && failed.getAndIncrement() == 0) System.err.println("JavaBench: delivery failed: " + e);
    }
  }

  // ---------------------------------------------------------------- produce
  // Fire-and-forget send() with a callback, for `seconds`, then flush(); send()
  // blocks while its buffer is full, which is the client's own back-pressure.
  static Result produce(Settings s) throws Exception {
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(s, 5));
    byte[] value = new byte[s.size];
    Arrays.fill(value, (byte) 'x');
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(s.topic, value); // immutable: reused
    producer.send(record).get(30, TimeUnit.SECONDS); // warm-up: connections and topic metadata ready

    FailureCounter onDelivery = new FailureCounter();
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    long deadline = t0 + (long) (s.seconds * NANOS);
    long sent = 0;
    while (sent < s.max) {
      producer.send(record, onDelivery);
      sent++;
      if ((sent & 1023) == 0 && System.nanoTime() >= deadline) break;
    }
    producer.flush();
    Result r = new Result();
    r.seconds = (System.nanoTime() - t0) / (double) NANOS;
    r.cpuSec = (cpuNanos() - cpu0) / (double) NANOS;
    r.errors = onDelivery.failed.get();
    r.msgs = sent - r.errors;
    r.msgsPerSec = r.msgs / r.seconds;
    r.cleanup = () -> producer.close(CLOSE);
    return r;
  }

  // close(Duration): deprecated in 4.x for close(CloseOptions), which 3.x lacks;
  // the jar follows the broker's version, so the call both have.
  @SuppressWarnings("deprecation")
  static void close(KafkaConsumer<byte[], byte[]> consumer) {
    consumer.close(CLOSE);
  }

  // ---------------------------------------------------------------- consume
  // As raw_bench.c: the clock starts at the first message (not counted in the rate)
  // and stops at the last one received, after `expect` messages, `seconds`, or a second
  // with nothing new.
  static Result consume(Settings s) {
    KafkaConsumer<byte[], byte[]> consumer = subscribedConsumer(s);
    long count = 0;
    long bytes = 0;
    boolean started = false;
    long t0 = 0;
    long last = 0;
    long cpu0 = 0;
    long giveUp = System.nanoTime() + 60 * NANOS;
    while (count < s.expect) {
      long now = System.nanoTime();
      if (started && (now - t0 >= (long) (s.seconds * NANOS) || now - last > IDLE_END_NANOS)) break;
      if (!started && now > giveUp) throw new IllegalStateException("consume: no message within 60 s");
      ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
      for (ConsumerRecord<byte[], byte[]> record : records) {
        if (!started) {
          started = true;
          t0 = last = System.nanoTime();
          cpu0 = cpuNanos();
        }
        count++;
        bytes += record.value().length; // touch what the client hands over
      }
      if (started && !records.isEmpty()) last = System.nanoTime();
    }
    Result r = new Result();
    r.cpuSec = (cpuNanos() - cpu0) / (double) NANOS;
    r.msgs = count;
    r.seconds = (last - t0) / (double) NANOS;
    r.msgsPerSec = r.seconds > 0 ? (count - 1) / r.seconds : 0;
    r.bytes = bytes;
    r.cleanup = () -> close(consumer);
    return r;
  }

  // ---------------------------------------------------------------- latency
  /**
   * Producer and consumer in one process, as the others: `rate` messages a second,
   * each value starting with its send time (System.nanoTime, little-endian); a consumer
   * thread records arrival minus send time for messages sent from `warmup` seconds after
   * the first arrival on. Timed from the first arrival until rate × seconds were measured.
   */
  static final class LatencyConsumer extends Thread {
    final KafkaConsumer<byte[], byte[]> consumer;
    final double[] samples;
    final long warmupNanos;
    volatile boolean stop;
    volatile boolean seen;
    volatile long firstSeen;
    volatile long cpuAtFirst;
    volatile int measured;

    LatencyConsumer(Settings s) {
      super("latency-consumer");
      consumer = subscribedConsumer(s);
      samples = new double[(int) Math.round(s.rate * s.seconds)];
      warmupNanos = (long) (s.warmup * NANOS);
    }

    @Override
    public void run() {
      while (!stop && measured < samples.length) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          long now = System.nanoTime();
          if (!seen) {
            firstSeen = now;
            cpuAtFirst = cpuNanos();
            seen = true;
          }
          byte[] value = record.value();
          if (value.length < Long.BYTES) continue;
          long sent = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
          if (sent - firstSeen >= warmupNanos && measured < samples.length) {
            samples[measured] = (now - sent) / 1e6;
            measured = measured + 1; // only this thread writes it
          }
        }
      }
    }
  }

  static Result latency(Settings s) throws Exception {
    LatencyConsumer receiver = new LatencyConsumer(s);
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(s, 0));
    FailureCounter onDelivery = new FailureCounter();
    receiver.start();

    long start = System.nanoTime();
    long giveUp = start + (long) ((s.seconds + 60) * NANOS);
    long sent = 0;
    while (receiver.measured < receiver.samples.length && System.nanoTime() < giveUp) {
      long due = (long) ((System.nanoTime() - start) / (double) NANOS * s.rate);
      while (sent < due) {
        byte[] value = new byte[Math.max(Long.BYTES, s.size)];
        ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).putLong(0, System.nanoTime());
        producer.send(new ProducerRecord<>(s.topic, value), onDelivery);
        sent++;
      }
      LockSupport.parkNanos(1_000_000); // the 1 ms tick of the others' fixed-rate loops
    }
    long end = System.nanoTime();
    long cpuEnd = cpuNanos();
    receiver.stop = true;
    receiver.join();
    int n = receiver.measured;
    if (n < receiver.samples.length) {
      throw new IllegalStateException("latency: only " + n + " of " + receiver.samples.length + " measured");
    }
    double[] sorted = Arrays.copyOf(receiver.samples, n);
    Arrays.sort(sorted);
    Result r = new Result();
    r.msgs = n;
    r.errors = onDelivery.failed.get();
    r.seconds = (end - receiver.firstSeen) / (double) NANOS;
    r.cpuSec = (cpuEnd - receiver.cpuAtFirst) / (double) NANOS;
    r.msgsPerSec = sent / ((end - start) / (double) NANOS);
    r.latencyMs = new double[] {at(sorted, 50), at(sorted, 99), at(sorted, 99.9), sorted[n - 1]};
    r.cleanup = () -> {
      producer.close(CLOSE);
      close(receiver.consumer);
    };
    return r;
  }

  static double at(double[] sorted, double percentile) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(percentile / 100 * sorted.length))];
  }

  // ------------------------------------------------------------------- main
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java JavaBench '<settings JSON>'");
      System.exit(2);
    }
    Settings s = new Settings(parseFlatJson(args[0]));
    Result r;
    switch (s.workload) {
      case "produce":
        r = produce(s);
        break;
      case "consume":
        r = consume(s);
        break;
      case "latency":
        r = latency(s);
        break;
      default:
        System.err.println("JavaBench: no workload " + s.workload);
        System.exit(2);
        return;
    }
    StringBuilder line = new StringBuilder();
    line.append(String.format(Locale.ROOT,
        "{\"client\":\"java\",\"msgs\":%d,\"errors\":%d,\"seconds\":%.4f,\"msgsPerSec\":%d,"
            + "\"peakRssMB\":%.1f,\"cpuSec\":%.3f",
        r.msgs, r.errors, r.seconds, Math.round(r.msgsPerSec), peakRssMB(), r.cpuSec));
    if (r.bytes >= 0) line.append(",\"bytes\":").append(r.bytes);
    if (r.latencyMs != null) {
      line.append(String.format(Locale.ROOT, ",\"latencyMs\":{\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}",
          r.latencyMs[0], r.latencyMs[1], r.latencyMs[2], r.latencyMs[3]));
    }
    line.append(String.format(Locale.ROOT, ",\"version\":\"%s (Java %s)\"}",
        clientVersion(), System.getProperty("java.version")));
    System.out.println(line);
    System.out.flush();
    try {
      r.cleanup.close();
    } catch (Exception e) {
      System.err.println("JavaBench: closing: " + e);
    }
    // Client threads may linger after close: exit as the Node runners do.
    System.exit(r.errors > 0 ? 1 : 0);
  }
}
