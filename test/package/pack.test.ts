// What `npm pack` puts in the tarball: dist (ESM + CJS + .d.ts), the prebuilds,
// what a source build needs (native/, binding.gyp, deps/, scripts/install.js),
// LICENSE and README — and nothing else.
import fs from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { packDryRun, platformDir, repoRoot, requirePrebuilds, type PackedFile } from './support';

/** Every packed file must match one of these. */
const ALLOWED: Array<[string, RegExp]> = [
  ['package metadata', /^(package\.json|README\.md|LICENSE)$/],
  ['CommonJS build and declarations', /^dist\/cjs\/([a-z-]+\/)*[a-z-]+\.(js|d\.ts)$/],
  ['ES module entries and declarations', /^dist\/esm\/(index|kafkajs)\.(mjs|d\.mts)$/],
  ['prebuilt binaries', /^prebuilds\/(linux|darwin|win32)-(x64|arm64)\/rdkafka-napi(\.(glibc|musl))?\.node$/],
  ['native sources', /^native\/[a-z_]+\.(cc|h)$/],
  ['node-gyp build file', /^binding\.gyp$/],
  ['librdkafka build script and our patches', /^deps\/(build-librdkafka\.sh|README\.md|patches\/[\w.-]+\.patch)$/],
  ['install hook', /^scripts\/install\.js$/],
];

let files: PackedFile[];
let paths: string[];
let unpackedSize: number;

beforeAll(() => {
  requirePrebuilds();
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'cjs', 'index.js'))) {
    throw new Error('dist/ is not built: run `npm run build:ts` first');
  }
  ({ files, unpackedSize } = packDryRun());
  paths = files.map((file) => file.path).sort();
});

describe('npm pack', () => {
  it('holds only the allowed kinds of files', () => {
    const unexpected = paths.filter((file) => !ALLOWED.some(([, pattern]) => pattern.test(file)));
    expect(unexpected, `files that must not ship:\n${unexpected.join('\n')}`).toEqual([]);
    // Each kind is really there.
    for (const [what, pattern] of ALLOWED) {
      expect(
        paths.some((file) => pattern.test(file)),
        what,
      ).toBe(true);
    }
  });

  it('ships no tests, sources maps, caches or build output', () => {
    const forbidden = paths.filter((file) =>
      /^(test|src|bench|examples|\.ci|build|node_modules|coverage)\/|\.map$|\.tgz$|\.ts$(?<!\.d\.ts)/.test(file),
    );
    expect(forbidden).toEqual([]);
  });

  it('has the entry points package.json names, for import, require and types', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const targets = [manifest.main, manifest.module, manifest.types, ...Object.values(manifest.exports['.'])].map((target) =>
      String(target).replace(/^\.\//, ''),
    );
    for (const target of targets) expect(paths, target).toContain(target);
    // The `rdkafka-napi` command (npx rdkafka-napi), and what it runs.
    const bins = Object.values(manifest.bin as Record<string, string>).map((target) => target.replace(/^\.\//, ''));
    expect(bins).toEqual(['dist/cjs/cli/main.js']);
    for (const target of bins) expect(paths, target).toContain(target);
    expect(paths).toEqual(expect.arrayContaining(['dist/cjs/cli/commands/demo.js', 'dist/cjs/cli/commands/consume.js']));
    expect(paths).toEqual(expect.arrayContaining(['dist/esm/index.mjs', 'dist/esm/index.d.mts', 'dist/cjs/index.d.ts']));
  });

  it('has a .js and a .d.ts for every TypeScript source file', () => {
    const sources = fs
      .readdirSync(path.join(repoRoot, 'src'), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      const base = `dist/cjs/${source.replace(/\\/g, '/').replace(/\.ts$/, '')}`;
      expect(paths).toContain(`${base}.js`);
      expect(paths).toContain(`${base}.d.ts`);
    }
  });

  it(`has the prebuild for ${platformDir}`, () => {
    const prebuilds = requirePrebuilds().map((file) => path.relative(repoRoot, file).split(path.sep).join('/'));
    for (const file of prebuilds) expect(paths).toContain(file);
  });

  it('has everything a source build needs: binding.gyp sources and headers, deps script, install hook', () => {
    const gyp = JSON.parse(fs.readFileSync(path.join(repoRoot, 'binding.gyp'), 'utf8'));
    for (const source of gyp.targets[0].sources as string[]) expect(paths).toContain(source);
    const headers = fs.readdirSync(path.join(repoRoot, 'native')).filter((name) => name.endsWith('.h'));
    for (const header of headers) expect(paths).toContain(`native/${header}`);
    expect(paths).toEqual(expect.arrayContaining(['binding.gyp', 'deps/build-librdkafka.sh', 'scripts/install.js']));
    // the build applies every deps/patches/*.patch; without them it would build another librdkafka
    expect(paths.filter((file) => file.startsWith('deps/patches/'))).toEqual(
      fs.readdirSync(path.join(repoRoot, 'deps', 'patches')).map((name) => `deps/patches/${name}`),
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    expect(manifest.scripts.install).toBe('node scripts/install.js');
  });

  it('ships the Apache-2.0 license text that package.json names', () => {
    const license = fs.readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8');
    expect(license).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).license).toBe('Apache-2.0');
  });

  it('stays small: under 12 MB unpacked per prebuild platform', () => {
    const binaries = files.filter((file) => file.path.startsWith('prebuilds/'));
    const rest = unpackedSize - binaries.reduce((sum, file) => sum + file.size, 0);
    expect(rest).toBeLessThan(2 * 1024 * 1024);
    for (const binary of binaries) expect(binary.size, binary.path).toBeLessThan(12 * 1024 * 1024);
  });
});
