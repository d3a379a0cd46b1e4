/**
 * Configuration of the serving store: where it is (a local Cassandra or Amazon Keyspaces) and how
 * long each interval's bars live.
 */

export const DEFAULT_KEYSPACE = 'tickflow';
export const BARS_TABLE = 'bars';

/** Seconds each interval's bars are kept (CQL `USING TTL`); 0 keeps them forever. */
export type Retention = Readonly<Record<string, number>>;

const DAY_S = 86_400;

/** Fine bars go stale fast; daily bars are kept. Intervals not listed use `DEFAULT_TTL_S`. */
export const DEFAULT_RETENTION: Retention = {
  '1m': 7 * DAY_S,
  '5m_1m': 7 * DAY_S,
  '5m': 30 * DAY_S,
  '15m': 90 * DAY_S,
  '1h': 365 * DAY_S,
  '1d': 0,
};
export const DEFAULT_TTL_S = 30 * DAY_S;

/** TTL in seconds for an interval's bars under a retention config. */
export function ttlFor(interval: string, retention: Retention = DEFAULT_RETENTION): number {
  return retention[interval] ?? DEFAULT_TTL_S;
}

interface CommonConfig {
  readonly keyspace?: string;
  readonly retention?: Retention;
}

/** A plain-CQL Cassandra (the local one): no auth, no TLS, consistency ONE. */
export interface LocalServingConfig extends CommonConfig {
  readonly kind: 'local';
  /** `host:port` entries, e.g. `127.0.0.1:9042`. */
  readonly contactPoints: readonly string[];
  /** Default `datacenter1` (Cassandra's SimpleSnitch). */
  readonly localDataCenter?: string;
}

/** Amazon Keyspaces: SigV4 auth, TLS on port 9142, LOCAL_QUORUM. */
export interface KeyspacesServingConfig extends CommonConfig {
  readonly kind: 'keyspaces';
  readonly region: string;
  /** Default `cassandra.<region>.amazonaws.com`. */
  readonly endpoint?: string;
  /** Default 9142. */
  readonly port?: number;
  /**
   * Default the region: Keyspaces reports each region as one data center. Another name only for a
   * Cassandra standing in for Keyspaces (the local node of the TLS test, whose data center is `datacenter1`).
   */
  readonly localDataCenter?: string;
  /**
   * Extra PEM certificates to trust, e.g. a private CA in front of a VPC endpoint. Node's root store
   * (Amazon Root CA 1–4) and Starfield Class 2 (starfield-root.ts) are always trusted.
   */
  readonly extraCaPem?: readonly string[];
  /** Explicit credentials; by default the AWS credential chain (env, profile, container, instance). */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
}

export type ServingStoreConfig = LocalServingConfig | KeyspacesServingConfig;
