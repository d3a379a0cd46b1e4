import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import {
  isJavaAvailable,
  type LocalCassandra,
  makeNodeCertificates,
  startLocalCassandra,
} from '../../local/cassandra/index.js';

/**
 * Vitest global setup: ONE local Cassandra for the whole test run, handed to the test files as
 * `inject('cassandra')`. Set TICKFLOW_CASSANDRA=host:port to use a running node instead, or
 * TICKFLOW_CASSANDRA=off to skip it (tests that need it then skip). Without Java it is skipped too.
 * The node also speaks TLS on its CQL port, with a CA and certificate made here (`inject('cassandraTls')`
 * gives the CA to trust and a foreign one), for the Keyspaces TLS path (serving-tls.test.ts).
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const env = process.env.TICKFLOW_CASSANDRA;
  if (env === 'off' || (!env && !isJavaAvailable())) return undefined;
  if (env) {
    const [host, port] = env.split(':');
    project.provide('cassandra', {
      contactPoint: host!,
      port: Number(port ?? 9042),
      localDataCenter: 'datacenter1',
    });
    return undefined;
  }
  const pki = await mkdtemp(join(tmpdir(), 'tickflow-cassandra-tls-'));
  let node: LocalCassandra;
  try {
    const certs = await makeNodeCertificates(pki);
    node = await startLocalCassandra({ clientTls: certs });
    project.provide('cassandraTls', { caPem: certs.caPem, foreignCaPem: certs.foreignCaPem });
  } catch (err) {
    await rm(pki, { recursive: true, force: true });
    throw err;
  }
  project.provide('cassandra', {
    contactPoint: node.contactPoint,
    port: node.port,
    localDataCenter: node.localDataCenter,
  });
  return async () => {
    await node.stop();
    await rm(pki, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    cassandra: { contactPoint: string; port: number; localDataCenter: string };
    /** The CA of the run-wide node's TLS certificate, and one that signed nothing (absent for an external node). */
    cassandraTls: { caPem: string; foreignCaPem: string };
  }
}
