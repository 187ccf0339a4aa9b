import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/package needs the prebuild and packs the tarball: npm run test:package.
    exclude: [...configDefaults.exclude, 'test/package/**'],
    globalSetup: ['./test/support/global-setup.ts'],
    // Each file in its own process: native handles and librdkafka threads of
    // one file never outlive into another's measurements.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
