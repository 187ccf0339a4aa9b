// ACL operations: create, describe and delete access control entries.
import type { KafkaError } from '../kafka-error';
import { expectObject, invalid } from '../validation';
import {
  type AclOperation,
  AclOperations,
  type AdminRequestOptions,
  type ResourceType,
  ResourceTypes,
  abortable,
  enumName,
  enumValue,
  expectNonEmptyArray,
  requestOptions,
} from './common';
import type { NativeAdminOperations } from './native-operations';

type Native = () => NativeAdminOperations;

// rd_kafka_ResourcePatternType_t.
export const AclPatternTypes = { unknown: 0, any: 1, match: 2, literal: 3, prefixed: 4 } as const;
export type AclPatternType = keyof typeof AclPatternTypes;

// rd_kafka_AclPermissionType_t.
export const AclPermissionTypes = { unknown: 0, any: 1, deny: 2, allow: 3 } as const;
export type AclPermissionType = keyof typeof AclPermissionTypes;

export interface AclBinding {
  resourceType: Exclude<ResourceType, 'unknown' | 'any'>;
  /** Topic name, group id, 'kafka-cluster' for the cluster, ...; '*' for all. */
  resourceName: string;
  /** Default 'literal'. */
  patternType?: Exclude<AclPatternType, 'unknown' | 'any' | 'match'>;
  /** e.g. 'User:alice'. */
  principal: string;
  /** Default '*'. */
  host?: string;
  operation: Exclude<AclOperation, 'unknown' | 'any'>;
  permissionType: Exclude<AclPermissionType, 'unknown' | 'any'>;
}

/** An ACL as the broker reports it. */
export type AclEntry = Required<AclBinding>;

/** Matches ACLs: every field left out matches anything. */
export interface AclFilter {
  resourceType?: Exclude<ResourceType, 'unknown'>;
  resourceName?: string;
  patternType?: Exclude<AclPatternType, 'unknown'>;
  principal?: string;
  host?: string;
  operation?: Exclude<AclOperation, 'unknown'>;
  permissionType?: Exclude<AclPermissionType, 'unknown'>;
}

export interface CreateAclResult {
  acl: AclBinding;
  error: KafkaError | null;
}

export interface DeleteAclsResult {
  filter: AclFilter;
  error: KafkaError | null;
  /** The ACLs this filter deleted. */
  deleted: AclEntry[];
}

function optionalString(parameter: string, value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.length === 0) throw invalid(parameter, 'a non-empty string', value);
  return value;
}

function bindingToNative(parameter: string, acl: unknown): Record<string, unknown> {
  expectObject(parameter, acl);
  return {
    resourceType: enumValue(`${parameter}.resourceType`, ResourceTypes, acl.resourceType, ['unknown', 'any']),
    resourceName: optionalString(`${parameter}.resourceName`, acl.resourceName) ?? missing(`${parameter}.resourceName`),
    patternType: enumValue(`${parameter}.patternType`, AclPatternTypes, acl.patternType ?? 'literal', [
      'unknown',
      'any',
      'match',
    ]),
    principal: optionalString(`${parameter}.principal`, acl.principal) ?? missing(`${parameter}.principal`),
    host: optionalString(`${parameter}.host`, acl.host) ?? '*',
    operation: enumValue(`${parameter}.operation`, AclOperations, acl.operation, ['unknown', 'any']),
    permissionType: enumValue(`${parameter}.permissionType`, AclPermissionTypes, acl.permissionType, ['unknown', 'any']),
  };
}

function missing(parameter: string): never {
  throw invalid(parameter, 'a non-empty string', undefined);
}

function filterToNative(parameter: string, filter: unknown): Record<string, unknown> {
  expectObject(parameter, filter);
  return {
    resourceType: enumValue(`${parameter}.resourceType`, ResourceTypes, filter.resourceType ?? 'any', ['unknown']),
    resourceName: optionalString(`${parameter}.resourceName`, filter.resourceName),
    patternType: enumValue(`${parameter}.patternType`, AclPatternTypes, filter.patternType ?? 'any', ['unknown']),
    principal: optionalString(`${parameter}.principal`, filter.principal),
    host: optionalString(`${parameter}.host`, filter.host),
    operation: enumValue(`${parameter}.operation`, AclOperations, filter.operation ?? 'any', ['unknown']),
    permissionType: enumValue(`${parameter}.permissionType`, AclPermissionTypes, filter.permissionType ?? 'any', ['unknown']),
  };
}

type RawAcl = {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
};

function aclFromNative(raw: RawAcl): AclEntry {
  return {
    resourceType: enumName(ResourceTypes, raw.resourceType, 'unknown') as AclEntry['resourceType'],
    resourceName: raw.resourceName,
    patternType: enumName(AclPatternTypes, raw.patternType, 'unknown') as AclEntry['patternType'],
    principal: raw.principal,
    host: raw.host,
    operation: enumName(AclOperations, raw.operation, 'unknown') as AclEntry['operation'],
    permissionType: enumName(AclPermissionTypes, raw.permissionType, 'unknown') as AclEntry['permissionType'],
  };
}

export async function createAcls(native: Native, acls: AclBinding[], options?: AdminRequestOptions): Promise<CreateAclResult[]> {
  const list = expectNonEmptyArray<AclBinding>('acls', acls, 'AclBinding').map((acl, i) => bindingToNative(`acls[${i}]`, acl));
  const { native: nativeOptions, signal } = requestOptions('createAcls', options);
  const results: Array<{ error: KafkaError | null }> = await abortable(
    'createAcls',
    native().CreateAcls(list, nativeOptions),
    signal,
  );
  return results.map((result, i) => ({ acl: acls[i], error: result.error }));
}

/** The ACLs matching one filter; `{}` matches every ACL. */
export async function describeAcls(native: Native, filter: AclFilter, options?: AdminRequestOptions): Promise<AclEntry[]> {
  const nativeFilter = filterToNative('filter', filter);
  const { native: nativeOptions, signal } = requestOptions('describeAcls', options);
  const results: RawAcl[] = await abortable('describeAcls', native().DescribeAcls(nativeFilter, nativeOptions), signal);
  return results.map(aclFromNative);
}

export async function deleteAcls(
  native: Native,
  filters: AclFilter[],
  options?: AdminRequestOptions,
): Promise<DeleteAclsResult[]> {
  const list = expectNonEmptyArray<AclFilter>('filters', filters, 'AclFilter').map((filter, i) =>
    filterToNative(`filters[${i}]`, filter),
  );
  const { native: nativeOptions, signal } = requestOptions('deleteAcls', options);
  const results: Array<{ error: KafkaError | null; matchingAcls: RawAcl[] }> = await abortable(
    'deleteAcls',
    native().DeleteAcls(list, nativeOptions),
    signal,
  );
  return results.map((result, i) => ({
    filter: filters[i],
    error: result.error,
    deleted: result.matchingAcls.map(aclFromNative),
  }));
}
