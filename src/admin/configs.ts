// Config operations: describe, alter (replace) and incrementally alter the
// configs of topics, brokers and groups.
import type { KafkaError } from '../kafka-error';
import { expectObject, invalid } from '../validation';
import {
  type AdminRequestOptions,
  type ResourceType,
  ResourceTypes,
  abortable,
  enumName,
  enumValue,
  expectBooleanOption,
  expectNonEmptyArray,
  expectNonEmptyString,
  requestOptions,
} from './common';
import type { NativeAdminOperations } from './native-operations';

type Native = () => NativeAdminOperations;

/** The kinds of resource that have configs. */
export type ConfigResourceType = Exclude<ResourceType, 'unknown' | 'any'>;

export interface ConfigResource {
  resourceType: ConfigResourceType;
  /** Topic name, broker id (as a string, e.g. '1'), group id, ... */
  resourceName: string;
}

// Kafka's ConfigSource names (librdkafka's rd_kafka_ConfigSource_t numbers).
export const ConfigSources = {
  'unknown-config': 0,
  'dynamic-topic-config': 1,
  'dynamic-broker-config': 2,
  'dynamic-default-broker-config': 3,
  'static-broker-config': 4,
  'default-config': 5,
  'dynamic-broker-logger-config': 6,
  'client-metrics-config': 7,
  'group-config': 8,
} as const;
export type ConfigSource = keyof typeof ConfigSources;

export interface ConfigEntry {
  name: string;
  /** null when sensitive or unset. */
  value: string | null;
  source: ConfigSource;
  isReadOnly: boolean;
  isDefault: boolean;
  isSensitive: boolean;
  /** Where the value could also come from, by precedence. */
  synonyms: Array<Omit<ConfigEntry, 'synonyms'>>;
}

export interface DescribeConfigsResult extends ConfigResource {
  configs: ConfigEntry[];
  error: KafkaError | null;
}

export interface ConfigResourceResult extends ConfigResource {
  error: KafkaError | null;
}

export interface AlterConfigsOptions extends AdminRequestOptions {
  /** Ask the broker to check the change without applying it. */
  validateOnly?: boolean;
}

type RawResourceResult = { resourceType: number; resourceName: string; error: KafkaError | null };

const CONFIG_RESOURCE_EXCLUDED = ['unknown', 'any'];

function resource(parameter: string, value: unknown): { resourceType: number; resourceName: string } {
  expectObject(parameter, value);
  return {
    resourceType: enumValue(`${parameter}.resourceType`, ResourceTypes, value.resourceType, CONFIG_RESOURCE_EXCLUDED),
    resourceName: expectNonEmptyString(`${parameter}.resourceName`, value.resourceName),
  };
}

function withResourceNames<T extends { resourceType: number }>(
  results: T[],
): Array<Omit<T, 'resourceType'> & { resourceType: ConfigResourceType }> {
  return results.map((result) => ({
    ...result,
    resourceType: enumName(ResourceTypes, result.resourceType, 'unknown') as ConfigResourceType,
  }));
}

type RawEntry = Omit<ConfigEntry, 'source' | 'synonyms'> & { source: number; synonyms?: RawEntry[] };

function entry(raw: RawEntry): ConfigEntry {
  const { synonyms, ...rest } = raw;
  return {
    ...rest,
    source: enumName(ConfigSources, raw.source, 'unknown-config'),
    synonyms: (synonyms ?? []).map((synonym) => {
      const { synonyms: _nested, ...plain } = entry(synonym);
      return plain;
    }),
  };
}

function validateOnly(nativeOptions: Record<string, unknown>, raw: Record<string, unknown>): void {
  if (expectBooleanOption('options.validateOnly', raw.validateOnly)) nativeOptions.validateOnly = true;
}

export async function describeConfigs(
  native: Native,
  resources: ConfigResource[],
  options?: AdminRequestOptions,
): Promise<DescribeConfigsResult[]> {
  const list = expectNonEmptyArray('resources', resources, '{ resourceType, resourceName }').map((spec, i) =>
    resource(`resources[${i}]`, spec),
  );
  const { native: nativeOptions, signal } = requestOptions('describeConfigs', options);
  const results: Array<{ resourceType: number; resourceName: string; configs: RawEntry[]; error: KafkaError | null }> =
    await abortable('describeConfigs', native().DescribeConfigs(list, nativeOptions), signal);
  return withResourceNames(results).map((result) => ({ ...result, configs: result.configs.map(entry) }));
}

export interface AlterConfigsResource extends ConfigResource {
  /** The resource's complete dynamic config: keys left out return to their defaults. */
  configs: Record<string, string | number | boolean>;
}

export async function alterConfigs(
  native: Native,
  resources: AlterConfigsResource[],
  options?: AlterConfigsOptions,
): Promise<ConfigResourceResult[]> {
  const list = expectNonEmptyArray<AlterConfigsResource>('resources', resources, '{ resourceType, resourceName, configs }').map(
    (spec, i) => {
      const base = resource(`resources[${i}]`, spec);
      expectObject(`resources[${i}].configs`, spec.configs);
      const configs = Object.entries(spec.configs).map(([name, value]) => {
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
          throw invalid(`resources[${i}].configs['${name}']`, 'a string, number or boolean', value);
        }
        return [name, String(value)];
      });
      return { ...base, configs };
    },
  );
  const { native: nativeOptions, signal, raw } = requestOptions('alterConfigs', options);
  validateOnly(nativeOptions, raw);
  const results: RawResourceResult[] = await abortable('alterConfigs', native().AlterConfigs(list, nativeOptions), signal);
  return withResourceNames(results);
}

export const AlterConfigOps = { set: 0, delete: 1, append: 2, subtract: 3 } as const;
export type AlterConfigOp = keyof typeof AlterConfigOps;

export interface ConfigChange {
  name: string;
  /** Default 'set'. 'append'/'subtract' work on list-valued configs. */
  op?: AlterConfigOp;
  /** Required except for 'delete'. */
  value?: string | number | boolean;
}

export interface IncrementalAlterConfigsResource extends ConfigResource {
  configs: ConfigChange[];
}

export async function incrementalAlterConfigs(
  native: Native,
  resources: IncrementalAlterConfigsResource[],
  options?: AlterConfigsOptions,
): Promise<ConfigResourceResult[]> {
  const list = expectNonEmptyArray<IncrementalAlterConfigsResource>(
    'resources',
    resources,
    '{ resourceType, resourceName, configs }',
  ).map((spec, i) => {
    const base = resource(`resources[${i}]`, spec);
    const changes = expectNonEmptyArray<ConfigChange>(`resources[${i}].configs`, spec.configs, '{ name, op?, value? }').map(
      (change, c) => {
        const at = `resources[${i}].configs[${c}]`;
        expectObject(at, change);
        const name = expectNonEmptyString(`${at}.name`, change.name);
        const op = enumValue(`${at}.op`, AlterConfigOps, change.op ?? 'set');
        if (op === AlterConfigOps.delete) return [name, op, null];
        const value: unknown = change.value;
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
          throw invalid(`${at}.value`, `a string, number or boolean (op '${change.op ?? 'set'}')`, value);
        }
        return [name, op, String(value)];
      },
    );
    return { ...base, configs: changes };
  });
  const { native: nativeOptions, signal, raw } = requestOptions('incrementalAlterConfigs', options);
  validateOnly(nativeOptions, raw);
  const results: RawResourceResult[] = await abortable(
    'incrementalAlterConfigs',
    native().IncrementalAlterConfigs(list, nativeOptions),
    signal,
  );
  return withResourceNames(results);
}
