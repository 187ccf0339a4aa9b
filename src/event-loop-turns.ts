// When the consumers' loops let the event loop turn. One clock for every
// consumer in this JavaScript realm, and one shared wait for the next turn:
// the loops run one after another in microtasks, so with a clock each, or a
// turn each, 20 consumers held the loop for ~90-330 ms (each took its own
// share) before timers and I/O ran.

// Short enough that timers and I/O wait under 10 ms (the event-loop target)
// while consumers read at full speed; a turn costs a few microseconds.
const LOOP_TURN_EVERY_MS = 4;

let lastTurn = performance.now();
let nextTurn: Promise<void> | undefined;

/** Notes that the event loop just had its turn (a callback from it is running). */
export function noteLoopTurn(): void {
  lastTurn = performance.now();
}

/**
 * Undefined while the loop turned less than LOOP_TURN_EVERY_MS ago; else a
 * promise of its next turn, the same for every caller, so consumers that
 * resume after it share the next few milliseconds instead of taking each
 * their own.
 */
export function yieldToLoopIfDue(): Promise<void> | undefined {
  if (performance.now() - lastTurn <= LOOP_TURN_EVERY_MS) return undefined;
  nextTurn ??= new Promise<void>((resolve) =>
    setImmediate(() => {
      nextTurn = undefined;
      noteLoopTurn();
      resolve();
    }),
  );
  return nextTurn;
}
