// The README's one prerequisites line is what .ci/run installs and what
// `npm test` checks first: the list and the checks cannot drift apart, and a
// missing piece stops the run with one line naming it and its install command.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { expect, it } from 'vitest';

import { runtimeProcess } from '../support/node-process';

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'scripts', 'prerequisites.js');
const { PROBES, readmePackages } = require(script) as { PROBES: Record<string, unknown>; readmePackages: () => string[] };

it('every package of the README line has a check, and every check is in the README line', () => {
  const listed = readmePackages();
  expect(listed.length).toBeGreaterThan(10);
  expect(new Set(listed).size).toBe(listed.length);
  expect([...listed].sort()).toEqual(Object.keys(PROBES).sort());
  // What the real-broker, kcat and Python suites need is on it.
  expect(listed).toEqual(expect.arrayContaining(['kcat', 'openjdk-17-jre-headless', 'maven', 'python3-venv', 'openssl']));
});

it('.ci/run installs exactly that list (it reads it from the script) and npm test checks it first', () => {
  const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
  expect(ci).toContain('mapfile -t prerequisites < <(node scripts/prerequisites.js --packages)');
  expect(ci).toContain(['install_missing "$', '{prerequisites[@]}"'].join(''));
  const printed = spawnSync(...runtimeProcess([script, '--packages']), { encoding: 'utf8' });
  expect(printed.stdout.trim().split('\n')).toEqual(readmePackages());
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  expect(manifest.scripts.pretest).toBe('node scripts/prerequisites.js');
});

it('passes on this machine, where the suite runs', () => {
  const result = spawnSync(...runtimeProcess([script]), { encoding: 'utf8', timeout: 60_000 });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

it('names every missing piece in one line with the apt-get command, exit 1', () => {
  // A PATH with everything but kcat, java and mvn.
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'rdkafka-napi-path-'));
  try {
    const hidden = new Set(['kcat', 'java', 'mvn']);
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      if (!dir || !fs.existsSync(dir)) continue;
      for (const name of fs.readdirSync(dir)) {
        if (hidden.has(name) || fs.existsSync(path.join(bin, name))) continue;
        fs.symlinkSync(path.join(dir, name), path.join(bin, name));
      }
    }
    const env = { ...process.env, PATH: bin };
    delete env.JAVA_HOME;
    const result = spawnSync(...runtimeProcess([script]), { encoding: 'utf8', env, timeout: 60_000 });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const errorLines = result.stderr.trimEnd().split('\n');
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toBe(
      'rdkafka-napi: missing prerequisites: a Java 17+ runtime (the real Kafka broker of the tests); ' +
        "Maven (fetches Kafka's jars once); kcat (the kcat interop tests). " +
        'Install them: apt-get install openjdk-17-jre-headless maven kcat',
    );
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
});
