// Shared helpers for tests on the embedded mock cluster.
import { randomUUID } from 'node:crypto';

export function uniqueTopic(prefix = 'topic'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
