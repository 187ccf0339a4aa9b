// Figures the demo and bench print: counts, rates and latency percentiles.

export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en');
}

export function formatRate(count: number, seconds: number): string {
  if (seconds <= 0) return '- msg/s';
  const rate = count / seconds;
  return rate >= 1e6 ? `${(rate / 1e6).toFixed(2)} M msg/s` : `${formatCount(rate)} msg/s`;
}

export function formatBytesRate(bytes: number, seconds: number): string {
  return seconds <= 0 ? '- MB/s' : `${(bytes / seconds / 1e6).toFixed(1)} MB/s`;
}

/** The p-th percentile (0-100) of sorted values, nearest rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}

export function latencySummary(samplesMs: Float64Array): string {
  const sorted = Float64Array.from(samplesMs).sort();
  const at = (p: number): string => `${percentile(sorted, p).toFixed(2)} ms`;
  return `p50 ${at(50)}, p90 ${at(90)}, p99 ${at(99)}, p99.9 ${at(99.9)}, max ${at(100)}`;
}
