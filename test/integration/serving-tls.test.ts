/**
 * The serving store's Keyspaces path (TLS on the CQL port, the trusted CAs, the server's name verified)
 * against the local Cassandra with client encryption on, as Keyspaces serves it on port 9142. The
 * certificate and its CA are made by the global setup (cassandra.global-setup.ts). What this node cannot
 * show: SigV4 (the node asks for no authentication, so the auth provider is never called) and the data
 * center name (Keyspaces reports the region; the node `datacenter1`, given as `localDataCenter`).
 */
import { describe, expect, inject, it } from 'vitest';
import {
  type KeyspacesServingConfig,
  ServingStore,
  ServingTlsError,
} from '../../shared/adapters/serving/index.js';

const node = inject('cassandra');
const tls = inject('cassandraTls');
const KEYSPACE = 'tickflow_tls';

/** Keyspaces settings pointed at the local node, trusting `ca`. */
function keyspacesLike(ca: string, endpoint = 'localhost'): KeyspacesServingConfig {
  return {
    kind: 'keyspaces',
    region: 'us-east-1',
    endpoint,
    port: node.port,
    localDataCenter: node.localDataCenter,
    extraCaPem: [ca],
    keyspace: KEYSPACE,
  };
}

describe.skipIf(!node || !tls)('the Keyspaces TLS path on the local Cassandra', () => {
  it('connects over TLS trusting the test CA, verifies the name, and writes and reads a bar', async () => {
    const plain = await ServingStore.connect({
      kind: 'local',
      contactPoints: [`${node.contactPoint}:${node.port}`],
      keyspace: KEYSPACE,
    });
    await plain.ensureSchema();
    await plain.close();

    const store = await ServingStore.connect(keyspacesLike(tls.caPem));
    try {
      const windowStart = Date.UTC(2024, 2, 10, 12, 0);
      const bar = {
        symbol: 'TLS:USD',
        interval: '1m',
        windowStart,
        windowEnd: windowStart + 60_000,
        open: 10,
        high: 12,
        low: 9,
        close: 11,
        volume: 5,
        vwap: 10.5,
        tradeCount: 3,
      };
      await store.upsertBars([bar], true);
      const [read] = await store.readBars({
        symbol: 'TLS:USD',
        interval: '1m',
        limit: 1,
        to: windowStart + 1,
      });
      expect(read).toMatchObject({ ...bar, isFinal: true });
    } finally {
      await store.close();
    }
  });

  it('refuses a server whose certificate no trusted CA signed, saying so', async () => {
    const err = await ServingStore.connect(keyspacesLike(tls.foreignCaPem)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ServingTlsError);
    expect(err).toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect((err as Error).message).toBe(
      `TLS to localhost:${node.port}: the server's certificate is not signed by a trusted CA (SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain); trust the CA with TICKFLOW_SERVING_EXTRA_CA_PEM (e.g. a private CA in front of a VPC endpoint)`,
    );
  });

  it('refuses a server whose certificate is not for the name connected to', async () => {
    const err = await ServingStore.connect(keyspacesLike(tls.caPem, '127.0.0.1')).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ServingTlsError);
    expect((err as Error).message).toMatch(
      /^TLS to 127\.0\.0\.1:\d+: the server's certificate is not for this name \(Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1 is not in the cert's list/,
    );
  });
});
