import { fileURLToPath } from 'node:url';
import { cachedLibDir, ensureMavenJars, PROJECT_CACHE } from '../jvm/index.js';

/**
 * The Kafka release fetched from Maven Central (`org.apache.kafka:kafka_2.13`), the newest the
 * mirror serves; Kafka 4 runs KRaft only and needs Java 17.
 */
export const KAFKA_VERSION = '4.4.0';

const POM = fileURLToPath(new URL('./pom.xml', import.meta.url));

/** Where the jars of one Kafka version live: `<project>/.cache/kafka/<version>/lib` (gitignored). */
export function kafkaLibDir(version = KAFKA_VERSION, cacheRoot = PROJECT_CACHE): string {
  return cachedLibDir('kafka', version, cacheRoot);
}

/**
 * Makes sure the Kafka broker jars are in the cache, fetching them with Maven when missing (about
 * 45 MB). Safe against concurrent callers. Resolves to the lib folder (the classpath).
 */
export async function ensureKafkaJars(version = KAFKA_VERSION, cacheRoot?: string): Promise<string> {
  return ensureMavenJars({
    product: 'Kafka',
    pom: POM,
    libDir: kafkaLibDir(version, cacheRoot),
    markerJar: `kafka_2.13-${version}.jar`,
    properties: { 'kafka.version': version },
  });
}
