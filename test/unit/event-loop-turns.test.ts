// Many consumer loops in one process share the event loop: whichever of them
// finds it has not turned for a few milliseconds waits for the next turn, and
// they all wait for the same one. Simulated with loops doing 1 ms of work per
// step (a pull and its batch), as the consumers' pulls do.
import { describe, expect, it } from 'vitest';

import { yieldToLoopIfDue } from '../../src/event-loop-turns';

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a consumer decoding and handling its batch
  }
}

async function consumerLoop(steps: number, onStep: () => void): Promise<void> {
  for (let i = 0; i < steps; i++) {
    for (let turn = yieldToLoopIfDue(); turn !== undefined; turn = yieldToLoopIfDue()) await turn;
    busyFor(1);
    onStep();
  }
}

describe('event-loop turns shared by consumer loops', () => {
  it('lets timers run every few milliseconds however many loops run (20 loops of 1 ms steps)', async () => {
    let stepsSinceTimer = 0;
    let mostStepsBetweenTimers = 0;
    let timerRuns = 0;
    let running = true;
    const timer = (): void => {
      mostStepsBetweenTimers = Math.max(mostStepsBetweenTimers, stepsSinceTimer);
      stepsSinceTimer = 0;
      timerRuns++;
      if (running) setTimeout(timer, 0);
    };
    setTimeout(timer, 0);
    const loops = Array.from({ length: 20 }, () => consumerLoop(15, () => stepsSinceTimer++));
    await Promise.all(loops);
    running = false;
    // A loop yields only between steps, so one turn may hold a step or two past the
    // 4 ms: far from the 20 loops × 4 ms a clock (or a turn) per loop allowed.
    expect(mostStepsBetweenTimers).toBeLessThanOrEqual(8);
    expect(mostStepsBetweenTimers).toBeGreaterThanOrEqual(1);
    expect(timerRuns).toBeGreaterThan(20);
  });
});
