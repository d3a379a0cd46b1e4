import type { TestProject } from 'vitest/node';
import { isJavaAvailable, type LocalCassandra, startLocalCassandra } from '../../local/cassandra/index.js';

/**
 * Vitest global setup: ONE local Cassandra for the whole test run, handed to the test files as
 * `inject('cassandra')`. Set TICKFLOW_CASSANDRA=host:port to use a running node instead, or
 * TICKFLOW_CASSANDRA=off to skip it (tests that need it then skip). Without Java it is skipped too.
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
  const node: LocalCassandra = await startLocalCassandra();
  project.provide('cassandra', {
    contactPoint: node.contactPoint,
    port: node.port,
    localDataCenter: node.localDataCenter,
  });
  return () => node.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    cassandra: { contactPoint: string; port: number; localDataCenter: string };
  }
}
