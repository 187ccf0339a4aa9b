// Cluster-wide operations: describe the cluster; describe and alter users'
// SASL/SCRAM credentials.
import type { KafkaError } from '../kafka-error';
import { expectInteger, expectObject, invalid } from '../validation';
import {
  type AclOperation,
  type AdminRequestOptions,
  type BrokerNode,
  abortable,
  aclOperationNames,
  enumName,
  enumValue,
  expectArray,
  expectBooleanOption,
  expectNonEmptyArray,
  expectNonEmptyString,
  requestOptions,
} from './common';
import type { NativeAdminOperations } from './native-operations';

type Native = () => NativeAdminOperations;

export interface DescribeClusterOptions extends AdminRequestOptions {
  /** Also return what the caller may do with the cluster (authorizedOperations). */
  includeAuthorizedOperations?: boolean;
}

export interface ClusterDescription {
  clusterId: string | null;
  controller: BrokerNode | null;
  nodes: BrokerNode[];
  /** Only with includeAuthorizedOperations. */
  authorizedOperations: AclOperation[] | null;
}

export async function describeCluster(native: Native, options?: DescribeClusterOptions): Promise<ClusterDescription> {
  const { native: nativeOptions, signal, raw } = requestOptions('describeCluster', options);
  const include = expectBooleanOption('options.includeAuthorizedOperations', raw.includeAuthorizedOperations);
  if (include !== undefined) nativeOptions.includeAuthorizedOperations = include;
  const result: Omit<ClusterDescription, 'authorizedOperations'> & { authorizedOperations: number[] | null } = await abortable(
    'describeCluster',
    native().DescribeCluster(nativeOptions),
    signal,
  );
  return { ...result, authorizedOperations: aclOperationNames(result.authorizedOperations) };
}

// rd_kafka_ScramMechanism_t, by the names sasl.mechanism uses.
export const ScramMechanisms = { unknown: 0, 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 } as const;
export type ScramMechanism = Exclude<keyof typeof ScramMechanisms, 'unknown'>;

export interface UserScramCredentials {
  user: string;
  /** RESOURCE_NOT_FOUND for a user without SCRAM credentials. */
  error: KafkaError | null;
  credentials: Array<{ mechanism: ScramMechanism | 'unknown'; iterations: number }>;
}

/** Every user's credentials when `users` is left out or empty. */
export async function describeUserScramCredentials(
  native: Native,
  users: string[] = [],
  options?: AdminRequestOptions,
): Promise<UserScramCredentials[]> {
  const names = expectArray('users', users, 'user names').map((user, i) => expectNonEmptyString(`users[${i}]`, user));
  const { native: nativeOptions, signal } = requestOptions('describeUserScramCredentials', options);
  const results: Array<{
    user: string;
    error: KafkaError | null;
    credentials: Array<{ mechanism: number; iterations: number }>;
  }> = await abortable('describeUserScramCredentials', native().DescribeUserScramCredentials(names, nativeOptions), signal);
  return results.map((result) => ({
    ...result,
    credentials: result.credentials.map((credential) => ({
      mechanism: enumName(ScramMechanisms, credential.mechanism, 'unknown'),
      iterations: credential.iterations,
    })),
  }));
}

export type ScramCredentialAlteration =
  | {
      kind: 'upsert';
      user: string;
      mechanism: ScramMechanism;
      password: string | Buffer;
      /** Default 8192; Kafka needs at least 4096. */
      iterations?: number;
      /** Default: 64 random bytes. */
      salt?: Buffer;
    }
  | { kind: 'delete'; user: string; mechanism: ScramMechanism };

export interface UserResult {
  user: string;
  error: KafkaError | null;
}

export async function alterUserScramCredentials(
  native: Native,
  alterations: ScramCredentialAlteration[],
  options?: AdminRequestOptions,
): Promise<UserResult[]> {
  const list = expectNonEmptyArray<ScramCredentialAlteration>(
    'alterations',
    alterations,
    "{ kind: 'upsert' | 'delete', user, mechanism }",
  ).map((alteration, i) => {
    const at = `alterations[${i}]`;
    expectObject(at, alteration);
    const user = expectNonEmptyString(`${at}.user`, alteration.user);
    const mechanism = enumValue(`${at}.mechanism`, ScramMechanisms, alteration.mechanism, ['unknown']);
    if (alteration.kind === 'delete') return { user, mechanism };
    if (alteration.kind !== 'upsert')
      throw invalid(`${at}.kind`, "'upsert' or 'delete'", (alteration as { kind?: unknown }).kind);
    const password: unknown = alteration.password;
    if (!(typeof password === 'string' && password.length > 0) && !(Buffer.isBuffer(password) && password.length > 0)) {
      throw invalid(`${at}.password`, 'a non-empty string or Buffer', password);
    }
    if (alteration.salt !== undefined && !(Buffer.isBuffer(alteration.salt) && alteration.salt.length > 0)) {
      throw invalid(`${at}.salt`, 'a non-empty Buffer', alteration.salt);
    }
    return {
      user,
      mechanism,
      iterations: expectInteger(`${at}.iterations`, alteration.iterations ?? 8192, 4096, 16_384),
      password: Buffer.isBuffer(password) ? password : Buffer.from(password, 'utf8'),
      ...(alteration.salt === undefined ? {} : { salt: alteration.salt }),
    };
  });
  const { native: nativeOptions, signal } = requestOptions('alterUserScramCredentials', options);
  return abortable('alterUserScramCredentials', native().AlterUserScramCredentials(list, nativeOptions), signal);
}
