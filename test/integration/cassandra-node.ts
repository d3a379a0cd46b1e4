import { inject } from 'vitest';
import { isJavaAvailable, startLocalCassandra } from '../../local/cassandra/index.js';
import './cassandra.global-setup.js';

export interface CassandraEndpoint {
  readonly contactPoint: string;
  readonly port: number;
  readonly localDataCenter: string;
  /** Stops the node when this file started it; a no-op for the run-wide node. */
  release(): Promise<void>;
}

/**
 * The Cassandra of this test run: the one the global setup started (`inject('cassandra')`), or, when
 * the file runs without that setup, a node of its own that `release()` stops.
 */
export async function cassandraForTests(): Promise<CassandraEndpoint | undefined> {
  const provided = inject('cassandra');
  if (provided) return { ...provided, release: async () => {} };
  if (process.env.TICKFLOW_CASSANDRA === 'off' || !isJavaAvailable()) return undefined;
  const node = await startLocalCassandra();
  return {
    contactPoint: node.contactPoint,
    port: node.port,
    localDataCenter: node.localDataCenter,
    release: node.stop,
  };
}
