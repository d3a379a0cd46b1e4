/**
 * The serving store's settings as Lambda environment variables: the CDK stack writes them, the
 * handlers read them once at cold start. Importing this file loads no Cassandra driver, so the CDK
 * app can use the names too.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigurationError, integer, optionalString, requireString, stringList } from '../env.js';
import type { KeyspacesServingConfig, LocalServingConfig, ServingStoreConfig } from './config.js';
import { KEYSPACE_NAME } from './schema.js';

/** Environment variable names of the serving store. */
export const SERVING_ENV = {
  /** `keyspaces` (Amazon Keyspaces, SigV4 + TLS), `cassandra` (plain CQL), or `off`/unset (no serving store). */
  kind: 'TICKFLOW_SERVING',
  /** Keyspace holding the bars table. @default `tickflow` */
  keyspace: 'TICKFLOW_SERVING_KEYSPACE',
  /** Keyspaces: host override (e.g. a VPC endpoint). Cassandra: unused. */
  endpoint: 'TICKFLOW_SERVING_ENDPOINT',
  /**
   * Keyspaces: extra certificates to trust, as PEM text (one or more `-----BEGIN CERTIFICATE-----`
   * blocks) or the path of a PEM file. Amazon Root CA 1–4 and Starfield Class 2 are always trusted.
   */
  extraCaPem: 'TICKFLOW_SERVING_EXTRA_CA_PEM',
  /** Keyspaces: port override. @default 9142 */
  port: 'TICKFLOW_SERVING_PORT',
  /** Cassandra: comma-separated `host:port` contact points (required for `cassandra`). */
  contactPoints: 'TICKFLOW_SERVING_CONTACT_POINTS',
  /** Cassandra: local data center. @default `datacenter1` */
  localDataCenter: 'TICKFLOW_SERVING_DATACENTER',
  /** The region Lambda sets; Keyspaces is reached in this region. */
  region: 'AWS_REGION',
} as const;

/** Values of {@link SERVING_ENV.kind}. */
export const SERVING_KINDS = ['keyspaces', 'cassandra', 'off'] as const;
export type ServingKind = (typeof SERVING_KINDS)[number];

/**
 * The serving-store config a handler should connect with, or `undefined` when the serving store is
 * off. Throws {@link ConfigurationError} naming the variable on any value it cannot use, so a
 * misconfigured function fails at cold start instead of silently skipping the serving store.
 *
 * @example servingConfigFromEnv({ TICKFLOW_SERVING: 'keyspaces', AWS_REGION: 'eu-west-1' })
 * // → { kind: 'keyspaces', region: 'eu-west-1' }
 */
export function servingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServingStoreConfig | undefined {
  const kind = servingKind(env);
  if (kind === 'off') return undefined;
  const keyspace = optionalString(env, SERVING_ENV.keyspace);
  if (keyspace !== undefined && !KEYSPACE_NAME.test(keyspace)) {
    throw new ConfigurationError(
      SERVING_ENV.keyspace,
      `must be a CQL identifier (letters, digits, _), got "${keyspace}"`,
    );
  }
  return kind === 'keyspaces' ? keyspacesConfig(env, keyspace) : cassandraConfig(env, keyspace);
}

function servingKind(env: NodeJS.ProcessEnv): ServingKind {
  const value = optionalString(env, SERVING_ENV.kind)?.toLowerCase() ?? 'off';
  if (!(SERVING_KINDS as readonly string[]).includes(value)) {
    throw new ConfigurationError(
      SERVING_ENV.kind,
      `must be one of ${SERVING_KINDS.join(', ')}, got "${value}"`,
    );
  }
  return value as ServingKind;
}

function keyspacesConfig(env: NodeJS.ProcessEnv, keyspace: string | undefined): KeyspacesServingConfig {
  const region = requireString(env, SERVING_ENV.region);
  const endpoint = optionalString(env, SERVING_ENV.endpoint);
  const port = optionalPort(env);
  const extraCaPem = extraCertificates(env);
  return {
    kind: 'keyspaces',
    region,
    ...(extraCaPem !== undefined && { extraCaPem }),
    ...(keyspace !== undefined && { keyspace }),
    ...(endpoint !== undefined && { endpoint }),
    ...(port !== undefined && { port }),
  };
}

function cassandraConfig(env: NodeJS.ProcessEnv, keyspace: string | undefined): LocalServingConfig {
  requireString(env, SERVING_ENV.contactPoints);
  const contactPoints = stringList(env, SERVING_ENV.contactPoints, []);
  for (const point of contactPoints) {
    if (!/^[^\s:]+(:\d{1,5})?$/.test(point)) {
      throw new ConfigurationError(
        SERVING_ENV.contactPoints,
        `expected host or host:port entries, got "${point}"`,
      );
    }
  }
  const localDataCenter = optionalString(env, SERVING_ENV.localDataCenter);
  return {
    kind: 'local',
    contactPoints,
    ...(keyspace !== undefined && { keyspace }),
    ...(localDataCenter !== undefined && { localDataCenter }),
  };
}

function optionalPort(env: NodeJS.ProcessEnv): number | undefined {
  if (optionalString(env, SERVING_ENV.port) === undefined) return undefined;
  const port = integer(env, SERVING_ENV.port, 0);
  if (port < 1 || port > 65_535) {
    throw new ConfigurationError(SERVING_ENV.port, `must be a TCP port in 1..65535, got ${port}`);
  }
  return port;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The PEM blocks of {@link SERVING_ENV.extraCaPem} (text or a file), each parsed, or undefined when unset. */
function extraCertificates(env: NodeJS.ProcessEnv): string[] | undefined {
  const name = SERVING_ENV.extraCaPem;
  const value = optionalString(env, name);
  if (value === undefined) return undefined;
  let text = value;
  if (!value.includes('-----BEGIN')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (err) {
      throw new ConfigurationError(
        name,
        `is neither PEM text nor a readable file: ${(err as Error).message}`,
      );
    }
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new ConfigurationError(name, 'holds no -----BEGIN CERTIFICATE----- block');
  for (const [i, pem] of blocks.entries()) {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new ConfigurationError(name, `certificate ${i + 1} cannot be parsed: ${(err as Error).message}`);
    }
  }
  return blocks;
}
