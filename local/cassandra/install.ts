import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CassandraInstallError } from './errors.js';

/** The Cassandra release fetched from Maven Central (`org.apache.cassandra:cassandra-all`); 5.0.x runs on Java 17. */
export const CASSANDRA_VERSION = '5.0.6';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const POM = fileURLToPath(new URL('./pom.xml', import.meta.url));

/** Where the jars of one Cassandra version live: `<project>/.cache/cassandra/<version>/lib` (gitignored). */
export function cassandraLibDir(
  version = CASSANDRA_VERSION,
  cacheRoot = join(PROJECT_ROOT, '.cache'),
): string {
  return join(cacheRoot, 'cassandra', version, 'lib');
}

export interface InstallOptions {
  readonly version?: string;
  /** Folder holding `cassandra/<version>/lib`; defaults to the project's `.cache`. */
  readonly cacheRoot?: string;
  readonly mvnBin?: string;
}

/**
 * Makes sure the Cassandra server jars are in the cache, fetching them with Maven when missing
 * (about 66 MB, ~50 s on a cold ~/.m2). Safe against concurrent callers: Maven writes into a private
 * folder that is renamed into place only once complete. Resolves to the lib folder (the classpath).
 */
export async function ensureCassandraJars(opts: InstallOptions = {}): Promise<string> {
  const version = opts.version ?? CASSANDRA_VERSION;
  const libDir = cassandraLibDir(version, opts.cacheRoot);
  if (isComplete(libDir, version)) return libDir;

  const staging = `${libDir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const args = [
    '-q',
    '-B',
    '-f',
    POM,
    `-Dcassandra.version=${version}`,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${staging}`,
  ];
  const mvn = opts.mvnBin ?? 'mvn';
  const { code, output } = await run(mvn, args);
  if (code !== 0 || !isComplete(staging, version)) {
    rmSync(staging, { recursive: true, force: true });
    throw new CassandraInstallError(`${mvn} ${args.join(' ')}`, code, output.slice(-4000));
  }
  if (isComplete(libDir, version)) {
    rmSync(staging, { recursive: true, force: true }); // another process won the race
  } else {
    rmSync(libDir, { recursive: true, force: true });
    renameSync(staging, libDir);
  }
  return libDir;
}

function isComplete(dir: string, version: string): boolean {
  return existsSync(dir) && readdirSync(dir).includes(`cassandra-all-${version}.jar`);
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.on('error', (err) => resolve({ code: null, output: `${output}${err.message}` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}
