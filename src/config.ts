// Typed client configuration and its conversion to librdkafka's string form.
import type { CommonConfig, ConsumerOnlyConfig, ProducerOnlyConfig } from './generated/config-properties';
import { invalid } from './validation';

export type { CommonConfig, ConsumerOnlyConfig, ProducerOnlyConfig } from './generated/config-properties';

/** librdkafka properties a Producer accepts (global and default-topic ones). */
export type ProducerConfig = CommonConfig & ProducerOnlyConfig;
/** librdkafka properties a Consumer accepts. */
export type ConsumerConfig = CommonConfig & ConsumerOnlyConfig;

// Properties the binding sets itself; a user value would break event delivery.
const RESERVED = new Set(['log.queue', 'opaque', 'dr_cb', 'dr_msg_cb', 'error_cb', 'log_cb', 'stats_cb', 'throttle_cb']);

/**
 * Turns a config object into librdkafka's key/value strings. Unknown keys pass
 * through: librdkafka itself rejects them with its own message, which the
 * native side wraps in a KafkaError.
 */
export function toNativeConfig(config: object | undefined, parameter = 'config'): Record<string, string> {
  if (config === undefined) return {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw invalid(parameter, 'an object', config);
  const entries: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (RESERVED.has(key)) {
      throw new TypeError(`Config "${key}" is managed by rdkafka-napi; remove it (use the client's events instead)`);
    }
    if (typeof value === 'string') entries[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) entries[key] = String(value);
    else if (typeof value === 'boolean') entries[key] = value ? 'true' : 'false';
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) entries[key] = value.join(',');
    else throw invalid(`${parameter}["${key}"]`, 'a string, finite number or boolean', value);
  }
  return entries;
}
