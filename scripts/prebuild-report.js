#!/usr/bin/env node
// What a prebuilt binary needs at run time, and whether it may be published.
//
//   node scripts/prebuild-report.js [prebuilds/linux-x64/rdkafka-napi.glibc.node ...]
//
// Linux (ELF): DT_NEEDED libraries against an allow-list (glibc, the GCC
// runtime Node itself needs, and libsasl2 — see docs/prebuilds.md), ldd
// resolution, the highest GLIBC_/GLIBCXX_/CXXABI_ symbol versions, exported
// symbols (only the two Node-API entry points may be global exports: bundled
// librdkafka/OpenSSL/zstd/lz4/zlib stay hidden), RPATH/RUNPATH and TEXTREL.
// Every platform: size, and a load test when the binary is for this machine.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** Shared libraries a Linux prebuild may need: present wherever Node runs. */
const ALLOWED_NEEDED = [
  /^libc\.so\.6$/,
  /^libm\.so\.6$/,
  /^libpthread\.so\.0$/, // glibc < 2.34 builders
  /^libdl\.so\.2$/, // glibc < 2.34 builders
  /^librt\.so\.1$/, // glibc < 2.34 builders
  /^ld-linux-(x86-64|aarch64)\.so\.[12]$/,
  /^libc\.musl-[a-z0-9_]+\.so\.1$/,
  /^ld-musl-[a-z0-9_]+\.so\.1$/,
  /^libstdc\+\+\.so\.6$/, // Node's own binaries need it too
  /^libgcc_s\.so\.1$/,
];
/** Dynamic on purpose (Cyrus SASL loads its mechanisms as plugins that link it): documented, load error explained. */
const DOCUMENTED_NEEDED = [/^libsasl2\.so\.\d+$/];
/** The only strong exports a Node-API addon needs. */
const ENTRY_POINTS = new Set(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);

function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`cannot run ${command}: ${result.error.message}`);
  return result;
}

function maxVersion(text, prefix) {
  const pattern = new RegExp(`\\b${prefix}_([0-9]+(?:\\.[0-9]+)*)\\b`, 'g');
  let best;
  for (const match of text.matchAll(pattern)) {
    const parts = match[1].split('.').map(Number);
    if (!best || compareVersions(parts, best) > 0) best = parts;
  }
  return best ? best.join('.') : undefined;
}

function compareVersions(a, b) {
  const as = typeof a === 'string' ? a.split('.').map(Number) : a;
  const bs = typeof b === 'string' ? b.split('.').map(Number) : b;
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const d = (as[i] ?? 0) - (bs[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function isElf(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const magic = Buffer.alloc(4);
    fs.readSync(fd, magic, 0, 4, 0);
    return magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    fs.closeSync(fd);
  }
}

function inspectElf(file, report, native) {
  const dynamic = run('readelf', ['-d', '-W', file]).stdout;
  report.needed = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  report.rpath = [...dynamic.matchAll(/\((?:RPATH|RUNPATH)\)\s+Library (?:rpath|runpath): \[([^\]]+)\]/g)].map((m) => m[1]);
  report.textrel = /\(TEXTREL\)/.test(dynamic) || /\(FLAGS\).*TEXTREL/.test(dynamic);

  // readelf reads ELF of any architecture (a release job checks arm64 binaries on x64).
  const symbols = run('readelf', ['--dyn-syms', '-W', file]).stdout;
  report.glibc = maxVersion(symbols, 'GLIBC');
  report.glibcxx = maxVersion(symbols, 'GLIBCXX');
  report.cxxabi = maxVersion(symbols, 'CXXABI');

  // Defined dynamic symbols: GLOBAL ones are real exports; WEAK/UNIQUE are
  // C++ template instances the compiler emits with default visibility.
  const defined = symbols
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts.length >= 8 && /^\d+:$/.test(parts[0]) && parts[6] !== 'UND' && parts[6] !== 'Ndx')
    .filter((parts) => ['FUNC', 'OBJECT', 'TLS', 'NOTYPE', 'IFUNC', 'GNU_IFUNC'].includes(parts[3]) && parts[7]);
  report.strongExports = defined.filter((parts) => parts[4] === 'GLOBAL').map((parts) => parts[7].replace(/@.*/, ''));
  report.weakExports = defined.filter((parts) => parts[4] !== 'GLOBAL' && parts[4] !== 'LOCAL').length;

  if (native) {
    const ldd = run('ldd', [file]);
    report.ldd = (ldd.stdout + ldd.stderr)
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  }

  for (const lib of report.needed) {
    if (ALLOWED_NEEDED.some((re) => re.test(lib))) continue;
    if (DOCUMENTED_NEEDED.some((re) => re.test(lib))) {
      report.notes.push(`${lib} is linked dynamically on purpose (Cyrus SASL plugins); see docs/prebuilds.md`);
      continue;
    }
    report.problems.push(`needs ${lib}, which is not on the allow-list (glibc, libstdc++, libgcc_s, libsasl2)`);
  }
  for (const line of report.ldd) {
    if (/not found/.test(line)) report.problems.push(`ldd: ${line}`);
  }
  if (report.rpath.length > 0) report.problems.push(`has RPATH/RUNPATH ${report.rpath.join(':')}`);
  if (report.textrel) report.problems.push('has text relocations (non-PIC code)');
  const leaked = report.strongExports.filter((name) => !ENTRY_POINTS.has(name));
  if (leaked.length > 0) {
    report.problems.push(
      `exports ${leaked.length} symbol(s) besides the Node-API entry points, e.g. ${leaked.slice(0, 5).join(', ')}`,
    );
  }
}

// Loads the binary in a child Node when it was built for this machine.
function loadCheck(file, report) {
  const code = `
    const m = { exports: {} };
    process.dlopen(m, ${JSON.stringify(file)});
    console.log(JSON.stringify({ version: m.exports.librdkafkaVersion, features: m.exports.builtinFeatures() }));`;
  const result = run(process.execPath, ['-e', code]);
  if (result.status !== 0) {
    report.problems.push(`does not load in this Node: ${(result.stderr || '').trim().split('\n').slice(0, 6).join(' | ')}`);
    return;
  }
  const info = JSON.parse(result.stdout.trim().split('\n').pop());
  report.librdkafka = info.version;
  report.features = info.features;
  const features = info.features.split(',');
  for (const feature of ['ssl', 'sasl_scram', 'sasl_oauthbearer', 'http', 'oidc', 'zstd', 'lz4', 'snappy', 'gzip']) {
    if (!features.includes(feature)) report.problems.push(`librdkafka lacks the '${feature}' feature`);
  }
}

/** @returns a report: file, size, needed, ldd, glibc, glibcxx, cxxabi, strongExports, notes, problems. */
function inspectPrebuild(file) {
  const report = { file: path.resolve(file), size: fs.statSync(file).size, needed: [], ldd: [], notes: [], problems: [] };
  const dir = path.basename(path.dirname(report.file)); // e.g. linux-x64
  const forThisMachine = dir === `${process.platform}-${process.arch}` && !/\.musl\./.test(path.basename(file)) === !isMusl();
  if (isElf(file)) inspectElf(report.file, report, forThisMachine);
  else report.notes.push('not an ELF file: dependency checks run on Linux prebuilds only (use otool -L / dumpbin /dependents)');
  if (forThisMachine) loadCheck(report.file, report);
  else report.notes.push(`built for ${dir}, not this machine: ldd and load test skipped`);
  return report;
}

function isMusl() {
  if (process.platform !== 'linux') return false;
  const header = process.report?.getReport?.().header;
  return Boolean(header && !header.glibcVersionRuntime);
}

function formatReport(report, base = process.cwd()) {
  const lines = [`${path.relative(base, report.file)}: ${(report.size / 1024 / 1024).toFixed(2)} MiB (${report.size} bytes)`];
  if (report.needed.length) lines.push(`  NEEDED: ${report.needed.join(', ')}`);
  if (report.glibc)
    lines.push(`  minimum glibc ${report.glibc}; libstdc++ GLIBCXX_${report.glibcxx ?? '-'}, CXXABI_${report.cxxabi ?? '-'}`);
  if (report.strongExports)
    lines.push(`  exports: ${report.strongExports.join(', ')} (+${report.weakExports} weak C++ template instances)`);
  if (report.librdkafka) lines.push(`  loads: librdkafka ${report.librdkafka} (${report.features})`);
  for (const line of report.ldd) lines.push(`  ldd: ${line}`);
  for (const note of report.notes) lines.push(`  note: ${note}`);
  for (const problem of report.problems) lines.push(`  PROBLEM: ${problem}`);
  return lines.join('\n');
}

module.exports = { inspectPrebuild, formatReport, compareVersions, ALLOWED_NEEDED, DOCUMENTED_NEEDED };

if (require.main === module) {
  let files = process.argv.slice(2);
  if (files.length === 0) {
    const dir = path.resolve(__dirname, '..', 'prebuilds');
    files = fs.existsSync(dir)
      ? fs.readdirSync(dir).flatMap((sub) =>
          fs
            .readdirSync(path.join(dir, sub))
            .filter((name) => name.endsWith('.node'))
            .map((name) => path.join(dir, sub, name)),
        )
      : [];
  }
  if (files.length === 0) {
    console.error('prebuild-report: no prebuilds/*/*.node (run npm run prebuildify)');
    process.exit(1);
  }
  let problems = 0;
  for (const file of files) {
    const report = inspectPrebuild(file);
    console.log(formatReport(report));
    problems += report.problems.length;
  }
  process.exit(problems > 0 ? 1 : 0);
}
