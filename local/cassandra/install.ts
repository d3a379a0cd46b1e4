import { fileURLToPath } from 'node:url';
import { cachedLibDir, ensureMavenJars, PROJECT_CACHE } from '../jvm/index.js';

/** The Cassandra release fetched from Maven Central (`org.apache.cassandra:cassandra-all`); 5.0.x runs on Java 17. */
export const CASSANDRA_VERSION = '5.0.6';

const POM = fileURLToPath(new URL('./pom.xml', import.meta.url));

/** Where the jars of one Cassandra version live: `<project>/.cache/cassandra/<version>/lib` (gitignored). */
export function cassandraLibDir(version = CASSANDRA_VERSION, cacheRoot = PROJECT_CACHE): string {
  return cachedLibDir('cassandra', version, cacheRoot);
}

export interface InstallOptions {
  readonly version?: string;
  /** Folder holding `cassandra/<version>/lib`; defaults to the project's `.cache`. */
  readonly cacheRoot?: string;
  readonly mvnBin?: string;
}

/**
 * Makes sure the Cassandra server jars are in the cache, fetching them with Maven when missing
 * (about 66 MB, ~50 s on a cold ~/.m2). Safe against concurrent callers. Resolves to the lib folder
 * (the classpath).
 */
export async function ensureCassandraJars(opts: InstallOptions = {}): Promise<string> {
  const version = opts.version ?? CASSANDRA_VERSION;
  return ensureMavenJars({
    product: 'Cassandra',
    pom: POM,
    libDir: cassandraLibDir(version, opts.cacheRoot),
    markerJar: `cassandra-all-${version}.jar`,
    properties: { 'cassandra.version': version },
    ...(opts.mvnBin ? { mvnBin: opts.mvnBin } : {}),
  });
}
