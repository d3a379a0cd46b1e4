import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, isJavaAvailable, JavaUnavailableError, startJvmServer } from '../jvm/index.js';
import { jvmArgs, renderCassandraYaml, renderLogback } from './config.js';
import { probeCql } from './cql-probe.js';
import { CASSANDRA_VERSION, ensureCassandraJars } from './install.js';

export interface LocalCassandraOptions {
  /** Maximum heap of the JVM in MiB (default 768). */
  readonly heapMb?: number;
  /** How long to wait for the CQL port to answer (default 180 s). */
  readonly startTimeoutMs?: number;
  readonly version?: string;
  readonly javaBin?: string;
  /** Parent folder of the node's tmp folder (default the OS tmp dir). */
  readonly tmpRoot?: string;
  /**
   * TLS on the CQL port besides plain CQL, with this keystore (`makeNodeCertificates`): the driver's
   * Keyspaces TLS path can then be run against the node. Off by default.
   */
  readonly clientTls?: { readonly keystore: string; readonly password: string };
}

/** A running single-node Cassandra on 127.0.0.1. */
export interface LocalCassandra {
  readonly contactPoint: string;
  /** CQL native-transport port. */
  readonly port: number;
  /** Data center name to give the driver as `localDataCenter`. */
  readonly localDataCenter: string;
  /** The JVM's process id. */
  readonly pid: number;
  /** The node's tmp folder (data, commit log, logs); removed by `stop()`. */
  readonly baseDir: string;
  /** Milliseconds from spawning the JVM to the first CQL answer. */
  readonly startupMs: number;
  /** Kills the JVM and removes its tmp folder (the data is throwaway: no drain). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a throwaway Cassandra from the jars Maven fetched (fetching them first when missing), on free
 * 127.0.0.1 ports, and resolves once it answers CQL. The JVM cannot outlive this process: it is killed
 * on exit and on SIGINT/SIGTERM, and on Linux the kernel kills it if this process dies (PDEATHSIG).
 *
 * @example
 * const cassandra = await startLocalCassandra();
 * const client = new cassandraDriver.Client({ contactPoints: [cassandra.contactPoint], protocolOptions: { port: cassandra.port }, localDataCenter: cassandra.localDataCenter });
 * // …
 * await cassandra.stop();
 */
export async function startLocalCassandra(opts: LocalCassandraOptions = {}): Promise<LocalCassandra> {
  const javaBin = opts.javaBin ?? 'java';
  if (!isJavaAvailable(javaBin))
    throw new JavaUnavailableError('Cassandra', `"${javaBin} -version" failed or is < 17`);
  const libDir = await ensureCassandraJars({ version: opts.version ?? CASSANDRA_VERSION });

  const baseDir = mkdtempSync(join(opts.tmpRoot ?? tmpdir(), 'tickflow-cassandra-'));
  const [nativePort, storagePort, sslStoragePort] = (await freePorts(3)) as [number, number, number];
  const yamlFile = join(baseDir, 'cassandra.yaml');
  const logbackFile = join(baseDir, 'logback.xml');
  const logFile = join(baseDir, 'logs', 'system.log');
  const consoleFile = join(baseDir, 'logs', 'console.log');
  mkdirSync(join(baseDir, 'logs'));
  writeFileSync(
    yamlFile,
    renderCassandraYaml({
      baseDir,
      nativePort,
      storagePort,
      sslStoragePort,
      clusterName: 'tickflow-local',
      clientTls: opts.clientTls,
    }),
  );
  writeFileSync(logbackFile, renderLogback(logFile));

  const args = [
    ...jvmArgs({ baseDir, heapMb: opts.heapMb ?? 768, yamlFile, logbackFile }),
    '-cp',
    `${libDir}/*`,
    'org.apache.cassandra.service.CassandraDaemon',
  ];
  const started = Date.now();
  const server = await startJvmServer({
    product: 'Cassandra',
    javaBin,
    args,
    baseDir,
    consoleFile,
    logFile,
    ready: () => probeCql('127.0.0.1', nativePort),
    notReady: `CQL port ${nativePort} did not answer`,
    timeoutMs: opts.startTimeoutMs ?? 180_000,
    pollMs: 250,
  });
  return {
    contactPoint: '127.0.0.1',
    port: nativePort,
    localDataCenter: 'datacenter1',
    pid: server.pid,
    baseDir,
    startupMs: Date.now() - started,
    stop: server.stop,
  };
}
