// The prebuilt binaries users get: what they need at run time (ldd), the
// minimum glibc, hidden symbols, and that they load. Fails when none exist.
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { inspectPrebuild } from '../../scripts/prebuild-report';
import { repoRoot, requirePrebuilds } from './support';

// The floor documented in README.md and docs/prebuilds.md; a binary built on a
// newer system raises it and fails here rather than on users' machines.
const MAX_GLIBC = '2.34';
const MAX_GLIBCXX = '3.4.29';

function compare(a: string, b: string): number {
  const as = a.split('.').map(Number);
  const bs = b.split('.').map(Number);
  for (let i = 0; i < Math.max(as.length, bs.length); i++) if ((as[i] ?? 0) !== (bs[i] ?? 0)) return (as[i] ?? 0) - (bs[i] ?? 0);
  return 0;
}

describe.each(requirePrebuilds().map((file) => ({ file, name: path.relative(repoRoot, file) })))('$name', ({ file }) => {
  const report = inspectPrebuild(file);

  it('passes every check of scripts/prebuild-report.js', () => {
    expect(report.problems).toEqual([]);
  });

  const forThisMachine = !report.notes.some((note: string) => note.includes('not this machine'));

  it.runIf(process.platform === 'linux')(
    'needs only glibc, libstdc++, libgcc_s and libsasl2 (and ldd resolves them here)',
    () => {
      const allowed =
        /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux-[a-z0-9-_]+\.so\.[12]|libc\.musl-[a-z0-9_]+\.so\.1|ld-musl-[a-z0-9_]+\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libsasl2\.so\.\d+)$/;
      expect(report.needed.filter((lib: string) => !allowed.test(lib))).toEqual([]);
      expect(report.needed).toContain('libc.so.6');
      if (forThisMachine) {
        expect(report.ldd.length).toBeGreaterThan(0);
        expect(report.ldd.filter((line: string) => /not found/.test(line))).toEqual([]);
      }
    },
  );

  it.runIf(process.platform === 'linux' && !/\.musl\./.test(file))(
    `needs at most glibc ${MAX_GLIBC} and GLIBCXX_${MAX_GLIBCXX}`,
    () => {
      expect(report.glibc).toBeDefined();
      expect(compare(report.glibc, MAX_GLIBC), `needs GLIBC_${report.glibc}`).toBeLessThanOrEqual(0);
      if (report.glibcxx) expect(compare(report.glibcxx, MAX_GLIBCXX), `needs GLIBCXX_${report.glibcxx}`).toBeLessThanOrEqual(0);
    },
  );

  it.runIf(process.platform === 'linux')(
    'exports only the Node-API entry points (librdkafka, OpenSSL, zstd, lz4, zlib hidden)',
    () => {
      expect(report.strongExports.sort()).toEqual(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
    },
  );

  it.runIf(forThisMachine)('loads, with the bundled librdkafka 2.14.2 and its features', () => {
    expect(report.librdkafka).toBe('2.14.2');
    expect(report.features.split(',')).toEqual(
      expect.arrayContaining(['ssl', 'sasl_scram', 'sasl_oauthbearer', 'http', 'oidc', 'zstd', 'lz4', 'snappy', 'gzip']),
    );
  });
});
