// How the CLI fails: one line on stderr and an exit code, never a stack trace
// (unless RDKAFKA_NAPI_CLI_DEBUG=1 asks for it).

/** Exit codes of every command. */
export const ExitCode = {
  ok: 0,
  /** The command ran and failed: unreachable broker, a Kafka error, undelivered messages. */
  failed: 1,
  /** The command line or the input was wrong. */
  usage: 2,
} as const;

/** A mistake in the command line or the input: exit code 2 and a hint at --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The single line an error is reported as. */
export function errorLine(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const text = error.message.replace(/\s*\n\s*/g, ' ').trim();
    // KafkaError codes (e.g. _TRANSPORT) say what kind of failure it was.
    return typeof code === 'string' && /^[A-Z_][A-Z0-9_]*$/.test(code) && !text.includes(code) ? `${text} (${code})` : text;
  }
  return String(error);
}

export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError || error instanceof TypeError ? ExitCode.usage : ExitCode.failed;
}
