import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import cassandra from 'cassandra-driver';
import type { KeyspacesServingConfig, LocalServingConfig, ServingStoreConfig } from './config.js';
import { InvalidServingConfigError } from './errors.js';
import { STARFIELD_CLASS_2_ROOT_PEM } from './starfield-root.js';

const { consistencies } = cassandra.types;

/**
 * Lets the server stamp every write: the driver sends no client timestamp (it accepts `null` here,
 * see its client-options.js; its typings do not say so). Forming bars are written with lightweight
 * transactions, whose Paxos commit the server stamps; final bars, written without LWT, must take
 * their timestamp from the same clock so a final written after a forming bar always wins.
 * (Keyspaces ignores client timestamps anyway unless the table turns them on; this one does not.)
 */
const SERVER_SIDE_TIMESTAMPS = null as unknown as cassandra.policies.timestampGeneration.TimestampGenerator;

/**
 * Driver options for a serving-store config: plain CQL at LOCAL_ONE locally; in AWS SigV4 auth,
 * TLS to `cassandra.<region>.amazonaws.com:9142` verified against Node's root store, Starfield Class 2
 * (which Node's store lacks, see starfield-root.ts) and `extraCaPem`,
 * LOCAL_QUORUM writes and reads, `localDataCenter` = the region. Every statement is prepared and
 * idempotent (upserts keyed by the bar's identity), so the driver may retry it on another connection.
 */
export function buildClientOptions(config: ServingStoreConfig): cassandra.ClientOptions {
  return config.kind === 'local' ? localOptions(config) : keyspacesOptions(config);
}

function localOptions(config: LocalServingConfig): cassandra.ClientOptions {
  if (config.contactPoints.length === 0) {
    throw new InvalidServingConfigError('contactPoints', 'give at least one host:port, e.g. 127.0.0.1:9042');
  }
  return {
    contactPoints: [...config.contactPoints],
    localDataCenter: config.localDataCenter ?? 'datacenter1',
    queryOptions: {
      consistency: consistencies.localOne,
      serialConsistency: consistencies.localSerial,
      prepare: true,
      isIdempotent: true,
    },
    policies: { timestampGeneration: SERVER_SIDE_TIMESTAMPS },
    pooling: { warmup: true },
  };
}

function keyspacesOptions(config: KeyspacesServingConfig): cassandra.ClientOptions {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(config.region)) {
    throw new InvalidServingConfigError(
      'region',
      `expected an AWS region like eu-west-1, got "${config.region}"`,
    );
  }
  const host = config.endpoint ?? `cassandra.${config.region}.amazonaws.com`;
  return {
    contactPoints: [host],
    localDataCenter: config.localDataCenter ?? config.region,
    protocolOptions: { port: config.port ?? 9142 },
    authProvider: sigV4AuthProvider(config),
    sslOptions: {
      ca: [...rootCertificates, STARFIELD_CLASS_2_ROOT_PEM, ...(config.extraCaPem ?? [])],
      host,
      // SNI carries names only (RFC 6066); an address is still verified against the certificate.
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: true,
    },
    queryOptions: {
      consistency: consistencies.localQuorum,
      serialConsistency: consistencies.localSerial,
      prepare: true,
      isIdempotent: true,
    },
    policies: { timestampGeneration: SERVER_SIDE_TIMESTAMPS },
  };
}

interface SigV4Options {
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}
type SigV4AuthProviderClass = new (opts: SigV4Options) => cassandra.auth.AuthProvider;

/** Loaded on first use: the plugin pulls in the v2 AWS SDK, which a local run never needs. */
function sigV4AuthProvider(config: KeyspacesServingConfig): cassandra.auth.AuthProvider {
  const { SigV4AuthProvider } = createRequire(import.meta.url)('aws-sigv4-auth-cassandra-plugin') as {
    SigV4AuthProvider: SigV4AuthProviderClass;
  };
  return new SigV4AuthProvider({ region: config.region, ...config.credentials });
}
