// KafkaJS's logging: logLevel, logCreator and the namespaced logger. The
// facade's own messages and librdkafka's log lines (our clients' 'log'
// events, syslog levels) go through the same logCreator.
import type { LogEntry } from '../client-events';

export const logLevel = { NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const;
export type LogLevel = (typeof logLevel)[keyof typeof logLevel];

const LEVEL_LABELS: Record<number, string> = { 0: 'NOTHING', 1: 'ERROR', 2: 'WARN', 4: 'INFO', 5: 'DEBUG' };

export interface LogEntryPayload {
  namespace: string;
  level: LogLevel;
  label: string;
  log: { timestamp: string; logger: string; message: string; [key: string]: unknown };
}

export type LogCreator = (level: LogLevel) => (entry: LogEntryPayload) => void;

export interface Logger {
  info(message: string, extra?: object): void;
  error(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
  debug(message: string, extra?: object): void;
  namespace(namespace: string, level?: LogLevel): Logger;
  setLogLevel(level: LogLevel): void;
}

/** KafkaJS's default: one JSON line per entry on the console. */
export const consoleLogCreator: LogCreator =
  () =>
  ({ namespace, level, label, log }) => {
    const prefix = namespace ? `[${namespace}] ` : '';
    const line = JSON.stringify({ level: label, ...log, message: `${prefix}${log.message}` });
    if (level === logLevel.ERROR) console.error(line);
    else if (level === logLevel.WARN) console.warn(line);
    else console.log(line);
  };

export function createLogger(options: { level?: LogLevel; logCreator?: LogCreator } = {}): Logger {
  // KAFKAJS_LOG_LEVEL overrides the configured level, as in KafkaJS.
  const fromEnv = process.env.KAFKAJS_LOG_LEVEL as keyof typeof logLevel | undefined;
  const state = { level: (fromEnv && logLevel[fromEnv]) ?? options.level ?? logLevel.INFO };
  const creator = (options.logCreator ?? consoleLogCreator)(state.level);
  const make = (namespace: string, ownLevel?: LogLevel): Logger => {
    const write = (level: LogLevel, message: string, extra: object = {}): void => {
      if (level > (ownLevel ?? state.level) || level === logLevel.NOTHING) return;
      creator({
        namespace,
        level,
        label: LEVEL_LABELS[level],
        log: { timestamp: new Date().toISOString(), logger: 'kafkajs', message, ...extra },
      });
    };
    return {
      info: (message, extra) => write(logLevel.INFO, message, extra),
      error: (message, extra) => write(logLevel.ERROR, message, extra),
      warn: (message, extra) => write(logLevel.WARN, message, extra),
      debug: (message, extra) => write(logLevel.DEBUG, message, extra),
      namespace: (child, level) => make(child, level ?? ownLevel),
      setLogLevel: (level) => {
        state.level = level;
      },
    };
  };
  return make('');
}

/** A librdkafka log line (syslog level 0-7) at its KafkaJS level. */
export function fromSyslogLevel(level: number): LogLevel {
  if (level <= 3) return logLevel.ERROR;
  if (level === 4) return logLevel.WARN;
  if (level <= 6) return logLevel.INFO;
  return logLevel.DEBUG;
}

/** Forwards a client's librdkafka log lines to a KafkaJS logger. */
export function forwardClientLogs(
  client: { on(event: 'log', listener: (entry: LogEntry) => void): unknown },
  logger: Logger,
): void {
  client.on('log', (entry) => {
    const level = fromSyslogLevel(entry.level);
    const extra = { facility: entry.facility };
    if (level === logLevel.ERROR) logger.error(entry.message, extra);
    else if (level === logLevel.WARN) logger.warn(entry.message, extra);
    else if (level === logLevel.INFO) logger.info(entry.message, extra);
    else logger.debug(entry.message, extra);
  });
}
