/*
 * The ceiling for bench/run.js: the same workloads as the scripts in bench/clients/,
 * written straight against librdkafka's C API (the same cached static
 * librdkafka 2.14.2 the addon links). bench/run.js builds it with cc.
 *
 * Usage: raw_bench mode=produce|txproduce|consume|multiconsume|latency key=value...
 *   brokers=HOST:PORT topic=NAME seconds=S max=N size=BYTES acks=1|all
 *   consumers=N (multiconsume: consumers in this process, groups GROUP-0...)
 *   txsize=N (txproduce: messages per transaction; transactional.id from group)
 *   idempotence=0|1 linger=MS group=ID expect=N rate=MSG_PER_S warmup=S
 *   fetchwait=MS (fetch.wait.max.ms, when given)
 * Prints one JSON line on stdout (the fields bench/clients/harness.js prints).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

static const char *arg(int argc, char **argv, const char *key, const char *fallback) {
  size_t n = strlen(key);
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=') return argv[i] + n + 1;
  }
  return fallback;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

/* The process's own high-water resident set (VmHWM). Not getrusage's
 * ru_maxrss: on Linux that starts from the parent's peak. */
static double peak_rss_mb(void) {
  FILE *status = fopen("/proc/self/status", "r");
  char line[256];
  double mb = 0;
  while (status && fgets(line, sizeof(line), status)) {
    long kb;
    if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) {
      mb = kb / 1024.0;
      break;
    }
  }
  if (status) fclose(status);
  if (mb == 0) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    mb = (double)ru.ru_maxrss / 1024.0;
  }
  return mb;
}

static void die(const char *what, const char *detail) {
  fprintf(stderr, "raw_bench: %s: %s\n", what, detail);
  exit(2);
}

static void set(rd_kafka_conf_t *conf, const char *key, const char *value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, key, value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) die(key, errstr);
}

/* ------------------------------------------------------------- produce --- */
static volatile int64_t delivered, failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque) {
  (void)rk;
  (void)opaque;
  if (msg->err) {
    if (failed++ == 0) fprintf(stderr, "raw_bench: delivery failed: %s\n", rd_kafka_err2str(msg->err));
  } else {
    delivered++;
  }
}

static rd_kafka_t *new_producer(int argc, char **argv, const char *linger_default) {
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char errstr[512];
  set(conf, "bootstrap.servers", arg(argc, argv, "brokers", "127.0.0.1:9092"));
  set(conf, "acks", arg(argc, argv, "acks", "1"));
  set(conf, "linger.ms", arg(argc, argv, "linger", linger_default));
  if (atoi(arg(argc, argv, "idempotence", "0"))) set(conf, "enable.idempotence", "true");
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) die("rd_kafka_new", errstr);
  return rk;
}

static int produce_one(rd_kafka_t *rk, rd_kafka_topic_t *rkt, const char *value, size_t size) {
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                RD_KAFKA_V_VALUE((void *)value, size), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) die("produce", rd_kafka_err2str(err));
    rd_kafka_poll(rk, 1); /* wait for room, serving delivery reports */
  }
}

static int run_produce(int argc, char **argv) {
  const char *topic = arg(argc, argv, "topic", "bench");
  double seconds = atof(arg(argc, argv, "seconds", "3"));
  int64_t max = atoll(arg(argc, argv, "max", "2000000"));
  size_t size = (size_t)atoi(arg(argc, argv, "size", "100"));
  rd_kafka_t *rk = new_producer(argc, argv, "5");
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  char *value = malloc(size);
  memset(value, 'x', size);

  /* Warm-up, as every client does: one message delivered (connections and metadata ready). */
  produce_one(rk, rkt, value, size);
  rd_kafka_flush(rk, 30000);
  if (delivered != 1) die("warm-up", "not delivered");
  delivered = 0;

  double cpu0 = cpu_s(), t0 = now_s(), deadline = t0 + seconds;
  int64_t sent = 0;
  while (sent < max) {
    produce_one(rk, rkt, value, size);
    sent++;
    if ((sent & 1023) == 0) {
      rd_kafka_poll(rk, 0);
      if (now_s() >= deadline) break;
    }
  }
  while (delivered + failed < sent) rd_kafka_poll(rk, 100);
  double elapsed = now_s() - t0, cpu = cpu_s() - cpu0;
  printf("{\"client\":\"raw-c\",\"msgs\":%" PRId64 ",\"errors\":%" PRId64
         ",\"seconds\":%.4f,\"msgsPerSec\":%.0f,\"peakRssMB\":%.1f,\"cpuSec\":%.3f,\"librdkafka\":\"%s\"}\n",
         (int64_t)delivered, (int64_t)failed, elapsed, delivered / elapsed, peak_rss_mb(), cpu, rd_kafka_version_str());
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  free(value);
  return failed ? 1 : 0;
}

/* ----------------------------------------------------------- txproduce --- */
static void check_txn(const char *what, rd_kafka_error_t *error) {
  if (error) die(what, rd_kafka_error_string(error));
}

/* Transactions of txsize messages back to back: begin, produce, commit (which
 * flushes first, serving delivery reports); counted when committed. */
static int run_txproduce(int argc, char **argv) {
  const char *topic = arg(argc, argv, "topic", "bench");
  double seconds = atof(arg(argc, argv, "seconds", "3"));
  int64_t max = atoll(arg(argc, argv, "max", "2000000"));
  size_t size = (size_t)atoi(arg(argc, argv, "size", "100"));
  int64_t txsize = atoll(arg(argc, argv, "txsize", "1000"));
  char transactional_id[256];
  snprintf(transactional_id, sizeof(transactional_id), "bench-tx-%s", arg(argc, argv, "group", "raw-bench"));

  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char errstr[512];
  set(conf, "bootstrap.servers", arg(argc, argv, "brokers", "127.0.0.1:9092"));
  set(conf, "acks", arg(argc, argv, "acks", "all"));
  set(conf, "linger.ms", arg(argc, argv, "linger", "5"));
  set(conf, "transactional.id", transactional_id);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) die("rd_kafka_new", errstr);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  char *value = malloc(size);
  memset(value, 'x', size);

  check_txn("init_transactions", rd_kafka_init_transactions(rk, 30000));
  /* Warm-up, as every client does: one transaction of one message. */
  check_txn("begin_transaction", rd_kafka_begin_transaction(rk));
  produce_one(rk, rkt, value, size);
  check_txn("commit_transaction", rd_kafka_commit_transaction(rk, -1));
  if (delivered != 1) die("warm-up", "not delivered");
  delivered = 0;

  double cpu0 = cpu_s(), t0 = now_s(), deadline = t0 + seconds;
  int64_t committed = 0;
  while (committed < max && now_s() < deadline) {
    check_txn("begin_transaction", rd_kafka_begin_transaction(rk));
    for (int64_t i = 0; i < txsize; i++) {
      produce_one(rk, rkt, value, size);
    }
    check_txn("commit_transaction", rd_kafka_commit_transaction(rk, -1));
    committed += txsize;
  }
  rd_kafka_poll(rk, 0);
  double elapsed = now_s() - t0, cpu = cpu_s() - cpu0;
  printf("{\"client\":\"raw-c\",\"msgs\":%" PRId64 ",\"errors\":%" PRId64
         ",\"seconds\":%.4f,\"msgsPerSec\":%.0f,\"peakRssMB\":%.1f,\"cpuSec\":%.3f,\"librdkafka\":\"%s\"}\n",
         committed, (int64_t)failed, elapsed, committed / elapsed, peak_rss_mb(), cpu, rd_kafka_version_str());
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  free(value);
  return failed ? 1 : 0;
}

/* ------------------------------------------------------------- consume --- */
static rd_kafka_t *new_consumer(int argc, char **argv, const char *group) {
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char errstr[512];
  set(conf, "bootstrap.servers", arg(argc, argv, "brokers", "127.0.0.1:9092"));
  set(conf, "group.id", group);
  set(conf, "auto.offset.reset", "earliest");
  /* As rdkafka-napi's Consumer sets by default (src/consumer.ts): a full local
   * queue pauses a partition's fetching for 10 ms, not librdkafka's 1 s. */
  set(conf, "fetch.queue.backoff.ms", "10");
  if (*arg(argc, argv, "fetchwait", "")) set(conf, "fetch.wait.max.ms", arg(argc, argv, "fetchwait", ""));
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
  if (!rk) die("rd_kafka_new", errstr);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, arg(argc, argv, "topic", "bench"), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err) die("subscribe", rd_kafka_err2str(err));
  return rk;
}

static int run_consume(int argc, char **argv) {
  double seconds = atof(arg(argc, argv, "seconds", "3"));
  int64_t expect = atoll(arg(argc, argv, "expect", "1000000"));
  rd_kafka_t *rk = new_consumer(argc, argv, arg(argc, argv, "group", "raw-bench"));
  rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(rk);
  enum { BATCH = 1000 };
  rd_kafka_message_t *batch[BATCH];
  int64_t count = 0, bytes = 0, errors = 0;
  double t0 = 0, cpu0 = 0, last = 0, give_up = now_s() + 60;
  while (count < expect) {
    double now = now_s();
    if (t0 > 0 && (now - t0 >= seconds || now - last > 1.0)) break; /* time up, or nothing more to read */
    if (t0 == 0 && now > give_up) die("consume", "no message within 60 s");
    /* 1 ms: the call waits until it has BATCH messages or the timeout, and 1,000
     * big messages are more than the local queue holds. */
    ssize_t n = rd_kafka_consume_batch_queue(queue, 1, batch, BATCH);
    for (ssize_t i = 0; i < n; i++) {
      rd_kafka_message_t *m = batch[i];
      if (m->err) {
        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && errors++ == 0)
          fprintf(stderr, "raw_bench: consume error: %s\n", rd_kafka_message_errstr(m));
      } else {
        if (t0 == 0) {
          t0 = last = now_s();
          cpu0 = cpu_s();
        }
        count++;
        bytes += (int64_t)m->len; /* touch what a client hands over */
      }
      rd_kafka_message_destroy(m);
    }
    if (n > 0 && t0 > 0) last = now_s();
  }
  double elapsed = last - t0, cpu = cpu_s() - cpu0;
  /* The first message starts the clock, so it is not counted in the rate. */
  printf("{\"client\":\"raw-c\",\"msgs\":%" PRId64 ",\"bytes\":%" PRId64 ",\"errors\":%" PRId64
         ",\"seconds\":%.4f,\"msgsPerSec\":%.0f,\"peakRssMB\":%.1f,\"cpuSec\":%.3f,\"librdkafka\":\"%s\"}\n",
         count, bytes, errors, elapsed, elapsed > 0 ? (count - 1) / elapsed : 0, peak_rss_mb(), cpu,
         rd_kafka_version_str());
  rd_kafka_queue_destroy(queue);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return 0;
}

/* -------------------------------------------------------- multiconsume --- */
/* consumers=N consumers in one process, one thread each running run_consume's
 * loop, each in its own group (so each reads the whole topic). Their group
 * joins end at different times, so a reader that has its first batch waits
 * for the others: the window opens when the last one gets its first message,
 * with every reader at the start of the topic, and closes after `seconds`,
 * when one has read all `expect` messages, or when none got anything for a
 * second. */
struct reader {
  rd_kafka_t *rk;
  pthread_t thread;
  /* Read so far; only this reader's thread writes them, once per batch. */
  atomic_llong count, bytes;
  long long errors; /* written when the thread ends */
};

static atomic_int readers_open, readers_stop;

static void *read_until_stopped(void *opaque) {
  struct reader *r = opaque;
  rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(r->rk);
  enum { BATCH = 1000 };
  rd_kafka_message_t *batch[BATCH];
  long long count = 0, bytes = 0, errors = 0;
  while (!atomic_load_explicit(&readers_stop, memory_order_relaxed)) {
    /* 1 ms: the call waits until it has BATCH messages or the timeout, and 1,000
     * big messages are more than the local queue holds. */
    ssize_t n = rd_kafka_consume_batch_queue(queue, 1, batch, BATCH);
    for (ssize_t i = 0; i < n; i++) {
      rd_kafka_message_t *m = batch[i];
      if (m->err) {
        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && errors++ == 0)
          fprintf(stderr, "raw_bench: consume error: %s\n", rd_kafka_message_errstr(m));
      } else {
        count++;
        bytes += (long long)m->len; /* touch what a client hands over */
      }
      rd_kafka_message_destroy(m);
    }
    atomic_store_explicit(&r->count, count, memory_order_relaxed);
    atomic_store_explicit(&r->bytes, bytes, memory_order_relaxed);
    struct timespec tick = {0, 1000000};
    while (count > 0 && !atomic_load(&readers_open) && !atomic_load(&readers_stop)) nanosleep(&tick, NULL);
  }
  r->errors = errors;
  rd_kafka_queue_destroy(queue);
  return NULL;
}

/* The readers' messages together; whether each has had one; the most one has read. */
static long long readers_total(struct reader *readers, int n, int *all_started, long long *most) {
  long long total = 0;
  *all_started = 1;
  *most = 0;
  for (int i = 0; i < n; i++) {
    long long c = atomic_load_explicit(&readers[i].count, memory_order_relaxed);
    total += c;
    if (c == 0) *all_started = 0;
    if (c > *most) *most = c;
  }
  return total;
}

static long long readers_bytes(struct reader *readers, int n) {
  long long bytes = 0;
  for (int i = 0; i < n; i++) bytes += atomic_load_explicit(&readers[i].bytes, memory_order_relaxed);
  return bytes;
}

static int run_multiconsume(int argc, char **argv) {
  int n = atoi(arg(argc, argv, "consumers", "1"));
  double seconds = atof(arg(argc, argv, "seconds", "3"));
  long long expect = atoll(arg(argc, argv, "expect", "1000000"));
  const char *group = arg(argc, argv, "group", "raw-bench");
  if (n < 1) die("consumers", "must be at least 1");
  struct reader *readers = calloc((size_t)n, sizeof(*readers));
  for (int i = 0; i < n; i++) {
    char name[300];
    snprintf(name, sizeof(name), "%s-%d", group, i);
    readers[i].rk = new_consumer(argc, argv, name);
    pthread_create(&readers[i].thread, NULL, read_until_stopped, &readers[i]);
  }
  /* Checking every millisecond: cheap next to N reading threads, and the window's edges are this exact. */
  struct timespec tick = {0, 1000000};
  int all_started;
  long long most, total;
  double give_up = now_s() + 60;
  for (;;) {
    total = readers_total(readers, n, &all_started, &most);
    if (all_started) break;
    if (now_s() > give_up) die("multiconsume", "not every consumer got a message within 60 s");
    nanosleep(&tick, NULL);
  }
  long long total0 = total, bytes0 = readers_bytes(readers, n);
  double t0 = now_s(), cpu0 = cpu_s(), last = t0;
  atomic_store(&readers_open, 1);
  long long last_total = total, last_bytes = bytes0;
  for (;;) {
    nanosleep(&tick, NULL);
    double now = now_s();
    total = readers_total(readers, n, &all_started, &most);
    if (total != last_total) {
      last_total = total;
      last_bytes = readers_bytes(readers, n);
      last = now;
    }
    if (now - t0 >= seconds || most >= expect || now - last > 1.0) break;
  }
  double elapsed = last - t0, cpu = cpu_s() - cpu0;
  atomic_store(&readers_stop, 1);
  long long errors = 0;
  for (int i = 0; i < n; i++) {
    pthread_join(readers[i].thread, NULL);
    errors += readers[i].errors;
  }
  long long msgs = last_total - total0;
  printf("{\"client\":\"raw-c\",\"msgs\":%lld,\"bytes\":%lld,\"consumers\":%d,\"errors\":%lld"
         ",\"seconds\":%.4f,\"msgsPerSec\":%.0f,\"peakRssMB\":%.1f,\"cpuSec\":%.3f,\"librdkafka\":\"%s\"}\n",
         msgs, last_bytes - bytes0, n, errors, elapsed, elapsed > 0 ? msgs / elapsed : 0, peak_rss_mb(), cpu,
         rd_kafka_version_str());
  fflush(stdout);
  for (int i = 0; i < n; i++) {
    rd_kafka_consumer_close(readers[i].rk);
    rd_kafka_destroy(readers[i].rk);
  }
  free(readers);
  return 0;
}

/* ------------------------------------------------------------- latency --- */
struct latency_state {
  rd_kafka_t *consumer;
  volatile int stop;
  volatile double first_seen; /* monotonic seconds of the first message consumed */
  double warmup;
  double *samples;            /* milliseconds */
  int64_t capacity;
  volatile int64_t measured;
};

static void *consume_latencies(void *opaque) {
  struct latency_state *st = opaque;
  while (!st->stop) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(st->consumer, 100);
    if (!m) continue;
    if (!m->err && m->len >= sizeof(double)) {
      double now = now_s(), sent;
      memcpy(&sent, m->payload, sizeof(sent));
      if (st->first_seen == 0) st->first_seen = now;
      if (sent >= st->first_seen + st->warmup && st->measured < st->capacity) {
        st->samples[st->measured] = (now - sent) * 1e3;
        st->measured++;
      }
    }
    rd_kafka_message_destroy(m);
  }
  return NULL;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double percentile(const double *sorted, int64_t n, double p) {
  if (n == 0) return 0;
  int64_t i = (int64_t)(p / 100.0 * (double)n);
  if (i >= n) i = n - 1;
  return sorted[i];
}

static int run_latency(int argc, char **argv) {
  const char *topic = arg(argc, argv, "topic", "bench");
  double rate = atof(arg(argc, argv, "rate", "10000"));
  double seconds = atof(arg(argc, argv, "seconds", "5"));
  size_t size = (size_t)atoi(arg(argc, argv, "size", "100"));
  struct latency_state st = {0};
  st.warmup = atof(arg(argc, argv, "warmup", "0.5"));
  st.capacity = (int64_t)(rate * seconds);
  st.samples = calloc((size_t)st.capacity, sizeof(double));
  st.consumer = new_consumer(argc, argv, arg(argc, argv, "group", "raw-bench"));
  rd_kafka_t *rk = new_producer(argc, argv, "0");
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  char *value = calloc(1, size < sizeof(double) ? sizeof(double) : size);
  pthread_t thread;
  pthread_create(&thread, NULL, consume_latencies, &st);

  double t0 = now_s(), cpu0 = cpu_s(), give_up = t0 + seconds + 60;
  int64_t sent = 0;
  struct timespec tick = {0, 1000000};
  while (st.measured < st.capacity && now_s() < give_up) {
    int64_t due = (int64_t)((now_s() - t0) * rate);
    while (sent < due) {
      double stamp = now_s();
      memcpy(value, &stamp, sizeof(stamp));
      produce_one(rk, rkt, value, size);
      sent++;
    }
    rd_kafka_poll(rk, 0);
    nanosleep(&tick, NULL);
  }
  st.stop = 1;
  pthread_join(thread, NULL);
  double elapsed = now_s() - t0, cpu = cpu_s() - cpu0;
  int64_t n = st.measured;
  qsort(st.samples, (size_t)n, sizeof(double), cmp_double);
  printf("{\"client\":\"raw-c\",\"msgs\":%" PRId64 ",\"errors\":%" PRId64
         ",\"seconds\":%.4f,\"msgsPerSec\":%.0f,\"peakRssMB\":%.1f,\"cpuSec\":%.3f,"
         "\"latencyMs\":{\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f},\"librdkafka\":\"%s\"}\n",
         n, (int64_t)failed, elapsed, sent / elapsed, peak_rss_mb(), cpu, percentile(st.samples, n, 50),
         percentile(st.samples, n, 99), percentile(st.samples, n, 99.9), n ? st.samples[n - 1] : 0,
         rd_kafka_version_str());
  rd_kafka_flush(rk, 10000);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  rd_kafka_consumer_close(st.consumer);
  rd_kafka_destroy(st.consumer);
  free(st.samples);
  free(value);
  return n < st.capacity ? 1 : 0;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  const char *mode = arg(argc, argv, "mode", "");
  if (strcmp(mode, "produce") == 0) return run_produce(argc, argv);
  if (strcmp(mode, "txproduce") == 0) return run_txproduce(argc, argv);
  if (strcmp(mode, "consume") == 0) return run_consume(argc, argv);
  if (strcmp(mode, "multiconsume") == 0) return run_multiconsume(argc, argv);
  if (strcmp(mode, "latency") == 0) return run_latency(argc, argv);
  fprintf(stderr, "usage: raw_bench mode=produce|txproduce|consume|multiconsume|latency key=value...\n");
  return 2;
}
