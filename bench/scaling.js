// The "How cost grows" part of bench/run.js: rdkafka-napi ÷ raw librdkafka (C)
// as partitions, message size and consumers per process grow, on the real
// broker. Only those two clients run, back to back at every point of every
// round (which goes first alternating), so their ratio is taken per round as
// in the main tables. This file holds the points, the runs, and the report:
// a section of docs/benchmarks.md and the chart docs/benchmarks-scaling.svg.
'use strict';

const KiB = 1024;
// A consume fill of 100 B messages holds the main run's fill count; bigger
// messages hold as many bytes instead (fewer messages). A produce run stops at
// 600 MB (or 20 M messages) if its time is not up first: the broker's disk is /tmp.
const FILL_REFERENCE_SIZE = 100;
const PRODUCE_BYTES_CAP = 600e6;
const MAX_PRODUCE_MESSAGES = 20_000_000;

const fmtSize = (bytes) => (bytes >= KiB ? `${bytes / KiB} KiB` : `${bytes} B`);

// Each axis: the values it steps through (full, and --quick's two), the
// workloads measured at each value, and the settings a value stands for.
const AXES = {
  partitions: {
    title: 'Partitions',
    fixed: '100 B messages',
    chartNote: '100 B messages',
    column: 'partitions',
    values: [1, 8, 64, 256],
    quickValues: [1, 64],
    kinds: ['produce', 'consume'],
    at: (partitions) => ({ partitions, size: 100, consumers: 1 }),
    label: String,
  },
  size: {
    title: 'Message size',
    fixed: '8 partitions',
    chartNote: '8 partitions',
    column: 'message size',
    values: [10, 100, KiB, 10 * KiB, 100 * KiB],
    quickValues: [100, 10 * KiB],
    kinds: ['produce', 'consume'],
    at: (size) => ({ partitions: 8, size, consumers: 1 }),
    label: fmtSize,
  },
  // Separate groups, so each consumer reads the whole topic: N times the work
  // in one process, and an aggregate rate that means something.
  clients: {
    title: 'Consumers per process',
    fixed: 'each in its own group, all reading one topic of 64 partitions, 100 B',
    chartNote: 'own groups, 64 partitions, 100 B',
    column: 'consumers',
    values: [1, 5, 20],
    quickValues: [1, 5],
    kinds: ['multiconsume'],
    at: (consumers) => ({ partitions: 64, size: 100, consumers }),
    label: String,
  },
};

const KIND_LABELS = { produce: 'produce', consume: 'consume', multiconsume: 'consume' };

function measurementKey(kind, { partitions, size, consumers }) {
  return `${kind}-p${partitions}-${size}B${kind === 'multiconsume' ? `-x${consumers}` : ''}`;
}

/**
 * What a run measures, saved with its results (the report reads the plan
 * back, so --report-only needs nothing else). axes: the axis ids to run.
 */
function scalingPlan({ quick, rounds, fill, produceSeconds, consumeSeconds, axes }) {
  return {
    quick,
    rounds,
    produceSeconds,
    consumeSeconds,
    // Many consumers start slowly (all of them filling their prefetch queues at once, see
    // scalingMarkdown): twice as long a window, so that start is not all it measures.
    clientsSeconds: 2 * consumeSeconds,
    fillCount: fill,
    fillBytes: fill * FILL_REFERENCE_SIZE,
    axes: axes.map((id) => ({ id, values: quick ? AXES[id].quickValues : AXES[id].values })),
  };
}

/** Every distinct measurement of the plan (axes share some: 8 partitions at 100 B). */
function measurements(plan) {
  const byKey = new Map();
  for (const axis of plan.axes) {
    const spec = AXES[axis.id];
    for (const value of axis.values) {
      for (const kind of spec.kinds) {
        const settings = spec.at(value);
        const key = measurementKey(kind, settings);
        if (!byKey.has(key)) byKey.set(key, { key, kind, ...settings });
      }
    }
  }
  return [...byKey.values()];
}

const fillCount = (plan, size) => Math.min(plan.fillCount, Math.floor(plan.fillBytes / size));

/**
 * Runs the plan on a started broker. tools: runClient(client, settings,
 * timeoutSeconds) and log from bench/run.js; ours and raw, the two clients;
 * mainFills, the main run's fills of 100 B messages by partition count (reused).
 * Resolves with everything the report needs.
 */
async function runScaling(broker, plan, { runClient, log, ours, raw, mainFills = {} }) {
  const started = new Date();
  const runs = {};
  const fills = new Map();
  const ownFills = [];
  let serial = 0;

  // Filled by the C program, as bench/run.js fills the main topics; reused across rounds.
  const fillFor = async (m) => {
    const count = fillCount(plan, m.size);
    const reusable = mainFills[m.partitions];
    if (m.size === FILL_REFERENCE_SIZE && reusable?.count === count) return reusable;
    const name = `bench-scaling-fill-p${m.partitions}-${m.size}B`;
    if (fills.has(name)) return fills.get(name);
    await broker.createTopic(name, m.partitions);
    const begun = Date.now();
    const settings = { workload: 'produce', brokers: broker.bootstrap, topic: name, seconds: 600, max: count, size: m.size };
    const r = await runClient(raw, { ...settings, acks: '1' }, 300);
    if (r.error || r.msgs !== count) throw new Error(`filling ${name} failed: ${r.error ?? `${r.msgs} of ${count} delivered`}`);
    log(`scaling: filled ${name} with ${count.toLocaleString('en')} messages in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
    const fill = { topic: name, count };
    fills.set(name, fill);
    ownFills.push(name);
    return fill;
  };

  const list = measurements(plan);
  try {
    for (let round = 0; round < plan.rounds; round++) {
      log(`scaling: round ${round + 1} of ${plan.rounds} (${list.length} points, rdkafka-napi and raw C)`);
      for (const [index, m] of list.entries()) {
        const fill = m.kind === 'produce' ? undefined : await fillFor(m);
        const pair = (round + index) % 2 === 0 ? [ours, raw] : [raw, ours];
        for (const client of pair) {
          const base = {
            workload: m.kind,
            brokers: broker.bootstrap,
            partitions: m.partitions,
            size: m.size,
            acks: '1',
            group: `bench-scaling-${process.pid}-${++serial}`,
          };
          let settings;
          let topic;
          if (m.kind === 'produce') {
            topic = `bench-scaling-${m.key}-${client.id}-${serial}`;
            await broker.createTopic(topic, m.partitions);
            const max = Math.min(MAX_PRODUCE_MESSAGES, Math.floor(PRODUCE_BYTES_CAP / m.size));
            settings = { ...base, topic, seconds: plan.produceSeconds, max };
          } else {
            const seconds = m.kind === 'multiconsume' ? plan.clientsSeconds : plan.consumeSeconds;
            settings = { ...base, topic: fill.topic, expect: fill.count, seconds, consumers: m.consumers };
          }
          const begun = Date.now();
          const result = await runClient(client, settings, m.kind === 'multiconsume' ? 150 : 120);
          result.wallSeconds = (Date.now() - begun) / 1000;
          ((runs[m.key] ??= {})[client.id] ??= []).push(result);
          log(
            `scaling ${m.key} r${round + 1} ${client.id}: ` +
              (result.error
                ? `FAILED ${result.error}`
                : `${result.msgsPerSec.toLocaleString('en')} msg/s cpu ${result.cpuSec}s` +
                  `${result.elP99Ms === undefined ? '' : ` el-p99 ${result.elP99Ms}ms`} (${result.wallSeconds.toFixed(1)} s)`),
          );
          if (topic) await broker.deleteTopic(topic);
        }
      }
    }
  } finally {
    for (const name of ownFills) await broker.deleteTopic(name);
  }
  return { plan, runs, fills: Object.fromEntries(fills), started, finished: new Date() };
}

// ------------------------------------------------------------------ report
// The per-point figures: medians of each client's runs and the per-round ratios.
// tools: summarize and pairedRatios from bench/run.js.
function pointFigures(saved, axisId, value, kind, { summarize, pairedRatios }) {
  const settings = AXES[axisId].at(value);
  const byClient = saved.runs[measurementKey(kind, settings)] ?? {};
  const oursRuns = byClient['rdkafka-napi'] ?? [];
  const rawRuns = byClient['raw-c'] ?? [];
  const cpuPerMessage = (r) => (r.msgs > 0 ? (r.cpuSec / r.msgs) * 1e6 : undefined);
  return {
    settings,
    ours: summarize(oursRuns),
    raw: summarize(rawRuns),
    throughput: pairedRatios(oursRuns, rawRuns, (r) => r.msgsPerSec),
    cpu: pairedRatios(oursRuns, rawRuns, cpuPerMessage),
  };
}

/** The "How cost grows" section's lines for docs/benchmarks.md. tools: see pointFigures, plus the formatters. */
function scalingMarkdown(saved, tools) {
  const { fmtRate, fmtRatio, fmtNum } = tools;
  const { plan } = saved;
  const minutes = (new Date(saved.finished) - new Date(saved.started)) / 60000;
  const ratioCell = (p) =>
    p === undefined
      ? '—'
      : `${fmtRatio(p.median)}${p.rounds > 1 ? ` (${fmtRatio(p.min)}–${fmtRatio(p.max)})` : ''}${p.noisy ? ` ⚠︎ noisy: raw C ${p.rawSpread.toFixed(1)}×` : ''}`;
  const rateCell = (s) => (s.ok === 0 ? `failed: ${s.error ?? 'not run'}` : fmtRate(s.msgsPerSec));
  const megabytes = (s, size) => (s.ok === 0 ? '—' : fmtNum((s.msgsPerSec * size) / 1e6, 0));
  const out = [];
  out.push('## How cost grows (real broker, rdkafka-napi ÷ raw C)');
  out.push('');
  out.push(
    `Only rdkafka-napi (its native API) and raw librdkafka in C, back to back at every point (which goes first alternating), ` +
      `${plan.rounds} round${plan.rounds > 1 ? 's' : ''}${plan.quick ? ' (--quick: two points per axis)' : ''}; ` +
      `took ${minutes.toFixed(1)} min. Produce and consume as above (produce ${plan.produceSeconds} s, consume up to ` +
      `${plan.consumeSeconds} s, acks=1, linger.ms 5). Consume topics are filled by the C program with ` +
      `${plan.fillCount.toLocaleString('en')} messages, or ${(plan.fillBytes / 1e6).toFixed(0)} MB when that is fewer ` +
      `(big messages); a produce run stops at ${PRODUCE_BYTES_CAP / 1e6} MB if its time is not up first. Ratios are the per-round median and, in brackets, the lowest and highest round.`,
  );
  out.push('');
  out.push('![rdkafka-napi ÷ raw C throughput per point](benchmarks-scaling.svg)');
  out.push('');
  for (const axis of plan.axes) {
    const spec = AXES[axis.id];
    out.push(`### ${spec.title} (${spec.fixed})`);
    out.push('');
    if (axis.id === 'clients') {
      out.push(
        'N consumers in one process, each in its own group, so each reads the whole topic. Ours: N `Consumer`s on one event loop, ' +
          'each in the `batches()` loop of the consume workload; raw C: N `rd_kafka_t` consumers, one thread each, in its ' +
          '`rd_kafka_consume_batch_queue` loop. Their group joins end at different times, so a consumer that has its first batch ' +
          'waits for the others; measured from the last one’s first message, with all N at the start of the topic, until ' +
          `${plan.clientsSeconds} s later (twice the consume time: at the start all N fill their prefetch queues at once, and our ` +
          'one JavaScript thread competes for the cores with their fetch threads, where C has N reading threads) or the first one ' +
          'reaches the end of the topic. msg/s is all consumers together; event-loop p99 is the one loop all our consumers share.',
      );
      out.push('');
      out.push(
        '| consumers | ours msg/s | raw C msg/s | ours ÷ raw C | CPU µs/msg ours | CPU µs/msg raw C | CPU ours ÷ raw C | ours event-loop p99 ms |',
      );
      out.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
      for (const value of axis.values) {
        const f = pointFigures(saved, axis.id, value, 'multiconsume', tools);
        out.push(
          `| ${spec.label(value)} | ${rateCell(f.ours)} | ${rateCell(f.raw)} | ${ratioCell(f.throughput)} | ${fmtNum(f.ours.cpuUsPerMsg, 2)} | ${fmtNum(f.raw.cpuUsPerMsg, 2)} | ${ratioCell(f.cpu)} | ${fmtNum(f.ours.elP99Ms, 1)} |`,
        );
      }
      out.push('');
      continue;
    }
    const sizes = axis.id === 'size';
    out.push(
      `| ${spec.column} | workload | ours msg/s | raw C msg/s |${sizes ? ' ours MB/s | raw C MB/s |' : ''} ours ÷ raw C | CPU µs/msg ours | CPU µs/msg raw C | CPU ours ÷ raw C |`,
    );
    out.push(`|---:|---|---:|---:|${sizes ? '---:|---:|' : ''}---:|---:|---:|---:|`);
    for (const kind of spec.kinds) {
      for (const value of axis.values) {
        const f = pointFigures(saved, axis.id, value, kind, tools);
        const bytes = sizes ? ` ${megabytes(f.ours, f.settings.size)} | ${megabytes(f.raw, f.settings.size)} |` : '';
        out.push(
          `| ${spec.label(value)} | ${KIND_LABELS[kind]} | ${rateCell(f.ours)} | ${rateCell(f.raw)} |${bytes} ${ratioCell(f.throughput)} | ${fmtNum(f.ours.cpuUsPerMsg, 2)} | ${fmtNum(f.raw.cpuUsPerMsg, 2)} | ${ratioCell(f.cpu)} |`,
        );
      }
    }
    out.push('');
    if (sizes) {
      out.push('MB/s is messages × value size (10⁶ bytes); keys and headers are empty.');
      out.push('');
    }
  }
  return out;
}

/** docs/benchmarks-scaling.svg: ours ÷ raw C throughput per point, one panel per axis. */
function scalingSvg(saved, tools) {
  const { plan } = saved;
  const colors = { produce: '#1f77b4', consume: '#d62728', multiconsume: '#d62728' };
  const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const panelW = 270;
  const panelGap = 30;
  const left = 40;
  const top = 78;
  const plotH = 200;
  const panels = plan.axes.map((axis) => {
    const spec = AXES[axis.id];
    const series = spec.kinds.map((kind) => ({
      kind,
      points: axis.values.map((value) => ({ value, ratio: pointFigures(saved, axis.id, value, kind, tools).throughput })),
    }));
    return { axis, spec, series };
  });
  // Linear from 0 to the highest ratio or whisker, at least 1.2, in steps of 0.25.
  const highest = Math.max(1.2, ...panels.flatMap((p) => p.series.flatMap((s) => s.points.map((pt) => pt.ratio?.max ?? 0))));
  const yMax = Math.ceil(highest * 4) / 4;
  const y = (r) => top + plotH - (Math.min(r, yMax) / yMax) * plotH;
  const parts = [];
  panels.forEach((panel, i) => {
    const x0 = left + i * (panelW + panelGap);
    const n = panel.axis.values.length;
    const x = (j) => x0 + ((j + 0.5) / n) * panelW;
    parts.push(`<text x="${x0 + panelW / 2}" y="${top - 22}" text-anchor="middle" class="l">${esc(panel.spec.title)}</text>`);
    parts.push(`<text x="${x0 + panelW / 2}" y="${top - 9}" text-anchor="middle" class="t">${esc(panel.spec.chartNote)}</text>`);
    for (let r = 0; r <= yMax + 1e-9; r += 0.25) {
      parts.push(`<line x1="${x0}" y1="${y(r)}" x2="${x0 + panelW}" y2="${y(r)}" class="${r === 1 ? 'one' : 'grid'}"/>`);
      if (i === 0) parts.push(`<text x="${x0 - 4}" y="${y(r) + 3}" text-anchor="end" class="t">${r.toFixed(2)}×</text>`);
    }
    panel.axis.values.forEach((value, j) => {
      parts.push(
        `<text x="${x(j)}" y="${top + plotH + 14}" text-anchor="middle" class="t">${esc(panel.spec.label(value))}</text>`,
      );
    });
    parts.push(
      `<text x="${x0 + panelW / 2}" y="${top + plotH + 30}" text-anchor="middle" class="t">${esc(panel.spec.column)}</text>`,
    );
    panel.series.forEach((s, k) => {
      const color = colors[s.kind];
      // Two series side by side at each point, so their whiskers do not hide each other.
      const shift = panel.series.length > 1 ? (k - 0.5) * 8 : 0;
      const measured = s.points.map((pt, j) => ({ ...pt, px: x(j) + shift })).filter((pt) => pt.ratio);
      if (measured.length > 1) {
        const d = measured.map((pt, j) => `${j ? 'L' : 'M'}${pt.px.toFixed(1)} ${y(pt.ratio.median).toFixed(1)}`).join(' ');
        parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
      }
      for (const pt of measured) {
        const { median, min, max, rounds } = pt.ratio;
        parts.push(
          `<line x1="${pt.px.toFixed(1)}" y1="${y(min).toFixed(1)}" x2="${pt.px.toFixed(1)}" y2="${y(max).toFixed(1)}" stroke="${color}"/>`,
        );
        parts.push(
          `<circle cx="${pt.px.toFixed(1)}" cy="${y(median).toFixed(1)}" r="3" fill="${color}"><title>${esc(
            `${KIND_LABELS[s.kind]}, ${panel.spec.label(pt.value)}: ${median.toFixed(2)}× (${min.toFixed(2)}–${max.toFixed(2)}, ${rounds} round${rounds > 1 ? 's' : ''})`,
          )}</title></circle>`,
        );
        parts.push(
          `<text x="${(pt.px + (k === 0 && panel.series.length > 1 ? -5 : 5)).toFixed(1)}" y="${(y(median) - 5).toFixed(1)}" text-anchor="${k === 0 && panel.series.length > 1 ? 'end' : 'start'}" class="v">${median.toFixed(2)}</text>`,
        );
      }
    });
  });
  const width = left + plan.axes.length * (panelW + panelGap);
  const legendY = top + plotH + 52;
  const legend = [
    ['produce', 'produce'],
    ['consume', 'consume (one consumer, or all N together)'],
  ]
    .map(
      ([kind, label], i) =>
        `<rect x="${10 + i * 200}" y="${legendY - 8}" width="10" height="8" fill="${colors[kind]}"/><text x="${24 + i * 200}" y="${legendY}" class="t">${esc(label)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${legendY + 14}" viewBox="0 0 ${width} ${legendY + 14}" font-family="sans-serif">`,
    '<style>.l{font-size:11px}.v{font-size:8px;fill:#333}.t{font-size:10px;fill:#333}.grid{stroke:#ddd}.one{stroke:#000}</style>',
    '<rect width="100%" height="100%" fill="#fff"/>',
    '<text x="10" y="18" font-size="14" font-weight="bold">rdkafka-napi throughput ÷ raw librdkafka (C), as the load grows</text>',
    `<text x="10" y="36" class="t">Per-round median (dot) and lowest–highest round (whisker); 1× = as fast as C. Real broker, ${plan.rounds} round${plan.rounds > 1 ? 's' : ''}${plan.quick ? ', --quick' : ''}.</text>`,
    ...parts,
    legend,
    '</svg>',
    '',
  ].join('\n');
}

module.exports = { AXES, scalingPlan, runScaling, scalingMarkdown, scalingSvg };
