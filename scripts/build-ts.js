#!/usr/bin/env node
// Compiles src/ to dist/cjs (CommonJS + .d.ts) and writes an ES module entry
// that re-exports it, so `import` and `require` share one instance.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const tsc = require.resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

// One ES module per package entry ("." and "./kafkajs"), each re-exporting its CommonJS build.
const entries = [
  { cjs: 'index.js', esm: 'index' },
  { cjs: 'kafkajs/index.js', esm: 'kafkajs' },
];
fs.mkdirSync(path.join(root, 'dist', 'esm'), { recursive: true });
for (const entry of entries) {
  const names = Object.keys(require(path.join(root, 'dist', 'cjs', entry.cjs))).filter((name) => name !== '__esModule');
  const esm = [
    '// ES module entry: re-exports the CommonJS build (one copy of the addon state).',
    `import cjs from '../cjs/${entry.cjs}';`,
    '',
    ...names.map((name) => `export const ${name} = cjs.${name};`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(root, 'dist', 'esm', `${entry.esm}.mjs`), esm);
  fs.writeFileSync(path.join(root, 'dist', 'esm', `${entry.esm}.d.mts`), `export * from '../cjs/${entry.cjs}';\n`);
}
