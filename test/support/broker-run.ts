// A Kafka cluster of a test file's own, run by scripts/kafka-broker.sh in a
// fresh run directory: start it, stop and restart single nodes, stop it all.
// Every command is asynchronous: a 3-node start can take over a minute on a
// busy machine, longer than a test worker may go without answering the runner.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const script = path.resolve(__dirname, '..', '..', 'scripts', 'kafka-broker.sh');
const run = promisify(execFile);

export class BrokerRun {
  readonly runDir: string;

  constructor(prefix: string) {
    this.runDir = mkdtempSync(path.join(tmpdir(), `rdkafka-napi-${prefix}-`));
  }

  /** Runs one kafka-broker.sh command on this run directory; resolves its stdout. */
  async command(...args: string[]): Promise<string> {
    const { stdout } = await run('bash', [script, ...args, '--dir', this.runDir], { encoding: 'utf8', timeout: 180_000 });
    return stdout.trim();
  }

  /** Starts the cluster; resolves its bootstrap servers. */
  start(...args: string[]): Promise<string> {
    return this.command('start', ...args);
  }

  async stopNode(node: number): Promise<void> {
    await this.command('stop-node', '--node', String(node));
  }

  async startNode(node: number): Promise<void> {
    await this.command('start-node', '--node', String(node));
  }

  /** Runs `command` on every node at once (a lone KRaft voter cannot start: the quorum needs a majority). */
  async everyNode(command: 'stop-node' | 'start-node', nodes: number): Promise<void> {
    await Promise.all(Array.from({ length: nodes }, (_, i) => this.command(command, '--node', String(i + 1))));
  }

  /** A KEY=value file the script wrote into the run directory (security.env, oauth.env: listeners, users, files). */
  readEnv(file: string): Record<string, string> {
    const lines = readFileSync(path.join(this.runDir, file), 'utf8').trim().split('\n');
    return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  }

  /** Stops every node and removes the run directory. */
  async stop(): Promise<void> {
    await this.command('stop');
    rmSync(this.runDir, { recursive: true, force: true });
  }
}
