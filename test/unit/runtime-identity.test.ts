// scripts/check-runtimes.sh runs these suites under other runtimes; this proves
// the test workers really ran in the one it named, not in a Node found on PATH.
import { expect, it } from 'vitest';

function runningRuntime(): string {
  const versions = process.versions as NodeJS.ProcessVersions & { bun?: string; deno?: string };
  if (versions.bun) return `bun ${versions.bun}`;
  if (versions.deno) return `deno ${versions.deno}`;
  return `node ${versions.node}`;
}

it('runs in the runtime scripts/check-runtimes.sh asked for (Node when run on its own)', () => {
  const expected = process.env.RDKAFKA_NAPI_EXPECT_RUNTIME;
  if (expected) expect(runningRuntime()).toBe(expected);
  else expect(runningRuntime()).toMatch(/^node \d+\.\d+\.\d+$/);
});
