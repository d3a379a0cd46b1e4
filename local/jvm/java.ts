import { spawnSync } from 'node:child_process';

/** The Java major version on the PATH, or null when there is no usable `java`. */
export function javaMajorVersion(javaBin = 'java'): number | null {
  const res = spawnSync(javaBin, ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (res.error || res.status !== 0) return null;
  // `openjdk version "17.0.15" 2025-04-15` / `java version "1.8.0_381"` (the latter is Java 8).
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${res.stderr}${res.stdout}`);
  if (!m) return null;
  const first = Number(m[1]);
  return first === 1 ? Number(m[2]) : first;
}

/**
 * Whether the local JVM services (Cassandra, Kafka) can run on this machine: `java` 17 or newer is on the PATH.
 * `npm start` uses it to choose between a real Cassandra and running without the serving store.
 */
export function isJavaAvailable(javaBin = 'java'): boolean {
  const major = javaMajorVersion(javaBin);
  return major !== null && major >= 17;
}
