import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JvmInstallError } from './errors.js';
import { run } from './process.js';

/** The project's `.cache` folder (gitignored), where fetched jars live. */
export const PROJECT_CACHE = fileURLToPath(new URL('../../.cache', import.meta.url));

/** One set of jars to fetch with `mvn dependency:copy-dependencies` from a POM that only pins versions. */
export interface MavenJars {
  /** For errors: "fetching Kafka from Maven Central failed …". */
  readonly product: string;
  /** The POM listing the dependencies (nothing is built from it). */
  readonly pom: string;
  /** Where the jars end up (the classpath folder). */
  readonly libDir: string;
  /** A jar whose presence in `libDir` means the copy completed (it is renamed into place whole). */
  readonly markerJar: string;
  /** `-Dname=value` properties passed to Maven, e.g. the version to fetch. */
  readonly properties?: Readonly<Record<string, string>>;
  readonly mvnBin?: string;
}

/**
 * Makes sure the jars are in `libDir`, fetching them with Maven when missing (a {@link JvmInstallError}
 * when that fails). Safe against concurrent
 * callers: Maven writes into a private folder that is renamed into place only once complete.
 * Resolves to `libDir`.
 */
export async function ensureMavenJars(jars: MavenJars): Promise<string> {
  const { libDir, markerJar } = jars;
  if (hasJar(libDir, markerJar)) return libDir;

  const staging = `${libDir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const args = [
    '-q',
    '-B',
    '-f',
    jars.pom,
    ...Object.entries(jars.properties ?? {}).map(([k, v]) => `-D${k}=${v}`),
    'dependency:copy-dependencies',
    `-DoutputDirectory=${staging}`,
  ];
  const mvn = jars.mvnBin ?? 'mvn';
  const { code, output } = await run(mvn, args);
  if (code !== 0 || !hasJar(staging, markerJar)) {
    rmSync(staging, { recursive: true, force: true });
    throw new JvmInstallError(jars.product, `${mvn} ${args.join(' ')}`, code, output.slice(-4000));
  }
  if (hasJar(libDir, markerJar)) {
    rmSync(staging, { recursive: true, force: true }); // another process won the race
  } else {
    rmSync(libDir, { recursive: true, force: true });
    renameSync(staging, libDir);
  }
  return libDir;
}

/** `<cache>/<name>/<version>/lib`. */
export function cachedLibDir(name: string, version: string, cacheRoot = PROJECT_CACHE): string {
  return join(cacheRoot, name, version, 'lib');
}

function hasJar(dir: string, jar: string): boolean {
  return existsSync(dir) && readdirSync(dir).includes(jar);
}
