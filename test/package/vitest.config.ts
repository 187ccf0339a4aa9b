// The packaging suite (npm run test:package): packs the tarball, installs it
// into empty directories and runs it there. Separate from `npm test` because it
// needs the prebuild (npm run prebuildify) and takes a few minutes; no broker.
import path from 'node:path';

import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: path.resolve(__dirname, '..', '..'),
  test: {
    include: ['test/package/**/*.test.ts'],
    pool: 'forks',
    // The files share npm's cache and the librdkafka cache: one at a time.
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
