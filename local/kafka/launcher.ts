import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  freePorts,
  hasExited,
  isJavaAvailable,
  onceAsync,
  run,
  spawnJvm,
  tail,
  terminate,
  trackChild,
} from '../jvm/index.js';
import { jvmArgs, newClusterId, renderLog4j, renderServerProperties } from './config.js';
import { KafkaJavaUnavailableError, KafkaStartError } from './errors.js';
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
}

/** A running single-node Kafka (KRaft, broker + controller in one JVM) on 127.0.0.1. */
export interface LocalKafka {
  /** `127.0.0.1:<port>`, what a client takes as its bootstrap servers. */
  readonly bootstrap: string;
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
    throw new KafkaJavaUnavailableError(`"${javaBin} -version" failed or is < 17`);
  const libDir = await ensureKafkaJars(opts.version ?? KAFKA_VERSION);

  const baseDir = mkdtempSync(join(opts.tmpRoot ?? tmpdir(), 'tickflow-kafka-'));
  const [brokerPort, controllerPort] = (await freePorts(2)) as [number, number];
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
    '-t',
    newClusterId(),
    '-c',
    propsFile,
  ]);
  if (format.code !== 0) {
    rmSync(baseDir, { recursive: true, force: true });
    throw new KafkaStartError(`formatting ${logDir} failed`, format.output.slice(-4000), format.code);
  }

  const consoleFd = openSync(consoleFile, 'a');
  const child = spawnJvm(
    javaBin,
    [...jvmArgs(heapMb, log4jFile), ...classpath, 'kafka.Kafka', propsFile],
    consoleFd,
  );
  const untrack = trackChild(child, baseDir);
  const stop = onceAsync(async () => {
    await terminate(child);
    untrack();
    rmSync(baseDir, { recursive: true, force: true });
  });

  try {
    await waitForBroker(child, brokerPort, logFile, opts.startTimeoutMs ?? 120_000, () =>
      tail(logFile, consoleFile),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    bootstrap: `127.0.0.1:${brokerPort}`,
    port: brokerPort,
    pid: child.pid!,
    baseDir,
    startupMs: Date.now() - started,
    stop,
  };
}

async function waitForBroker(
  child: ChildProcess,
  port: number,
  logFile: string,
  timeoutMs: number,
  logTail: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      throw new KafkaStartError(
        `the JVM exited (${child.exitCode ?? child.signalCode})`,
        logTail(),
        child.exitCode,
      );
    }
    if (existsSync(logFile) && STARTED.test(readFileSync(logFile, 'utf8')) && (await accepts(port))) return;
    await sleep(200);
  }
  throw new KafkaStartError(`the broker on port ${port} did not start within ${timeoutMs} ms`, logTail());
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
