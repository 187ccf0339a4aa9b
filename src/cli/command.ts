// What every CLI command provides: its options (for parsing and --help) and run().
import type { CommandSpec, ParsedArgs } from './args';

export interface Command extends CommandSpec {
  /** Resolves with the exit code; throws UsageError or any Error for one-line failures. */
  run(args: ParsedArgs): Promise<number>;
}
