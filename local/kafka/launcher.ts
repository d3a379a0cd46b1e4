import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePorts,
  isJavaAvailable,
  JavaUnavailableError,
  JvmStartError,
  run,
  startJvmServer,
} from '../jvm/index.js';
import {
  jvmArgs,
  newClusterId,
  renderLog4j,
  renderServerProperties,
  type SaslUser,
  type SecureProtocol,
  scramFormatArgs,
} from './config.js';
import { ensureKafkaJars, KAFKA_VERSION } from './install.js';

export interface LocalKafkaOptions {
  /** Maximum heap of the JVM in MiB (default 512). */
  readonly heapMb?: number;
  /** How long to wait for the broker to start (default 120 s). */
  readonly startTimeoutMs?: number;
  /** Partitions of a topic created without a count (default 1). */
  readonly defaultPartitions?: number;
  readonly version?: string;
  readonly javaBin?: string;
  /** Parent folder of the broker's tmp folder (default the OS tmp dir). */
  readonly tmpRoot?: string;
  /**
   * Listeners with credentials, beside PLAINTEXT: `users` opens SASL_PLAINTEXT (PLAIN, SCRAM-SHA-256
   * and SCRAM-SHA-512, the SCRAM credentials written at format time), `keyStore` (PKCS12) opens SSL,
   * both open SASL_SSL too. For testing clients against what real clusters ask of them.
   */
  readonly security?: {
    readonly users?: readonly SaslUser[];
    readonly keyStore?: { readonly file: string; readonly password: string };
  };
}

/** A running single-node Kafka (KRaft, broker + controller in one JVM) on 127.0.0.1. */
export interface LocalKafka {
  /** `127.0.0.1:<port>`, what a client takes as its bootstrap servers (PLAINTEXT). */
  readonly bootstrap: string;
  /** The bootstrap servers of the secure listeners {@link LocalKafkaOptions.security} opened. */
  readonly secure: Readonly<Partial<Record<SecureProtocol, string>>>;
  readonly port: number;
  /** The JVM's process id. */
  readonly pid: number;
  /** The broker's tmp folder (log segments, metadata log, broker log); removed by `stop()`. */
  readonly baseDir: string;
  /** Milliseconds from formatting the log directory to the broker's "started" line. */
  readonly startupMs: number;
  /** Kills the JVM and removes its tmp folder (the data is throwaway). Idempotent. */
  stop(): Promise<void>;
}

const STARTED = /Kafka Server started/;

/**
 * Starts a throwaway Kafka broker from the jars Maven fetched (fetching them first when missing), on
 * two free 127.0.0.1 ports (broker and controller) with a fresh log directory, and resolves once the
 * broker has started and accepts connections. The JVM cannot outlive this process: it is killed on
 * exit and on SIGINT/SIGTERM, and on Linux the kernel kills it if this process dies (PDEATHSIG).
 *
 * @example
 * const kafka = await startLocalKafka();
 * const client = new Kafka({ brokers: [kafka.bootstrap] });
 * // …
 * await kafka.stop();
 */
export async function startLocalKafka(opts: LocalKafkaOptions = {}): Promise<LocalKafka> {
  const javaBin = opts.javaBin ?? 'java';
  if (!isJavaAvailable(javaBin))
    throw new JavaUnavailableError('Kafka', `"${javaBin} -version" failed or is < 17`);
  const libDir = await ensureKafkaJars(opts.version ?? KAFKA_VERSION);

  const baseDir = mkdtempSync(join(opts.tmpRoot ?? tmpdir(), 'tickflow-kafka-'));
  const users = opts.security?.users ?? [];
  const keyStore = opts.security?.keyStore;
  const protocols: SecureProtocol[] = [
    ...(users.length > 0 ? (['SASL_PLAINTEXT'] as const) : []),
    ...(keyStore ? (['SSL'] as const) : []),
    ...(users.length > 0 && keyStore ? (['SASL_SSL'] as const) : []),
  ];
  const [brokerPort, controllerPort, ...securePorts] = (await freePorts(2 + protocols.length)) as [
    number,
    number,
    ...number[],
  ];
  const secureListeners = protocols.map((protocol, i) => ({ protocol, port: securePorts[i]! }));
  const logDir = join(baseDir, 'data');
  const propsFile = join(baseDir, 'server.properties');
  const log4jFile = join(baseDir, 'log4j2.properties');
  const logFile = join(baseDir, 'logs', 'server.log');
  const consoleFile = join(baseDir, 'logs', 'console.log');
  mkdirSync(join(baseDir, 'logs'));
  writeFileSync(
    propsFile,
    renderServerProperties({
      logDir,
      brokerPort,
      controllerPort,
      defaultPartitions: opts.defaultPartitions ?? 1,
      secureListeners,
      users,
      ...(keyStore && { keyStore }),
    }),
  );
  writeFileSync(log4jFile, renderLog4j(logFile));
  const heapMb = opts.heapMb ?? 512;
  const classpath = ['-cp', `${libDir}/*`];
  const started = Date.now();

  // KRaft refuses to start on an unformatted log directory: write meta.properties and the bootstrap metadata.
  const format = await run(javaBin, [
    ...jvmArgs(128, log4jFile),
    ...classpath,
    'kafka.tools.StorageTool',
    'format',
    // `=`: a base64url id may start with '-', which the option parser would read as a flag.
    `--cluster-id=${newClusterId()}`,
    '-c',
    propsFile,
    ...scramFormatArgs(users),
  ]);
  if (format.code !== 0) {
    rmSync(baseDir, { recursive: true, force: true });
    throw new JvmStartError('Kafka', `formatting ${logDir} failed`, format.output.slice(-4000), format.code);
  }

  const server = await startJvmServer({
    product: 'Kafka',
    javaBin,
    args: [...jvmArgs(heapMb, log4jFile), ...classpath, 'kafka.Kafka', propsFile],
    baseDir,
    consoleFile,
    logFile,
    ready: async () =>
      existsSync(logFile) && STARTED.test(readFileSync(logFile, 'utf8')) && (await accepts(brokerPort)),
    notReady: `the broker on port ${brokerPort} did not start`,
    timeoutMs: opts.startTimeoutMs ?? 120_000,
    pollMs: 200,
  });
  return {
    bootstrap: `127.0.0.1:${brokerPort}`,
    port: brokerPort,
    secure: Object.fromEntries(secureListeners.map((l) => [l.protocol, `127.0.0.1:${l.port}`])),
    pid: server.pid,
    baseDir,
    startupMs: Date.now() - started,
    stop: server.stop,
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
