// Progress of a long run: a bar redrawn in place on a terminal, a plain line
// every tenth of the way (and at the end) when the output is a file or pipe.
import type { Writable } from 'node:stream';

import { formatCount, formatRate } from './stats';

const REDRAW_EVERY_MS = 100;
const BAR_WIDTH = 30;

export class Progress {
  readonly #out: Writable & { isTTY?: boolean; columns?: number };
  readonly #label: string;
  readonly #total: number;
  readonly #started = performance.now();
  #lastDraw = 0;
  #lastTenth = 0;
  #done = false;

  constructor(out: Writable, label: string, total: number) {
    this.#out = out;
    this.#label = label;
    this.#total = Math.max(total, 1);
  }

  /** Call as often as you like: drawing is rate-limited. */
  update(count: number): void {
    if (this.#done) return;
    if (this.#out.isTTY) {
      const now = performance.now();
      if (now - this.#lastDraw < REDRAW_EVERY_MS) return;
      this.#lastDraw = now;
      this.#out.write(`\r${this.#line(count)}\u001b[K`);
    } else {
      const tenth = Math.floor((count * 10) / this.#total);
      if (tenth <= this.#lastTenth || tenth >= 10) return;
      this.#lastTenth = tenth;
      this.#out.write(`${this.#line(count)}\n`);
    }
  }

  finish(count: number): void {
    if (this.#done) return;
    this.#done = true;
    this.#out.write(this.#out.isTTY ? `\r${this.#line(count)}\u001b[K\n` : `${this.#line(count)}\n`);
  }

  #line(count: number): string {
    const fraction = Math.min(count / this.#total, 1);
    const seconds = (performance.now() - this.#started) / 1000;
    const figures = `${formatCount(count)}/${formatCount(this.#total)} ${formatRate(count, seconds)}`;
    if (!this.#out.isTTY) return `${this.#label}: ${(fraction * 100).toFixed(0).padStart(3)}% ${figures}`;
    const filled = Math.round(fraction * BAR_WIDTH);
    return `${this.#label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${figures}`;
  }
}
