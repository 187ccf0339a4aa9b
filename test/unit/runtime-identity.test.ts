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

// scripts/check-arm64.sh runs an arm64 Node under qemu: the test workers must be
// that CPU's, and the addon they loaded the prebuild for it (an x64 binary
// cannot load there, but a wrong lookup could still find some other file).
it('runs on the CPU scripts/check-arm64.sh asked for, with the prebuild of that CPU', () => {
  const expected = process.env.RDKAFKA_NAPI_EXPECT_ARCH;
  if (!expected) {
    expect(['x64', 'arm64']).toContain(process.arch);
    return;
  }
  expect(process.arch).toBe(expected);
  require('../../dist/cjs/index.js');
  const report = process.report.getReport() as { sharedObjects: string[] };
  const addons = report.sharedObjects.filter((file) => /\/rdkafka[-_]napi[^/]*\.node$/.test(file));
  expect(addons).toEqual([expect.stringMatching(new RegExp(`/prebuilds/linux-${expected}/rdkafka-napi\\.glibc\\.node$`))]);
});
