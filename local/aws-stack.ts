/**
 * The local AWS stack: Kinesis, DynamoDB and S3 APIs on 127.0.0.1 without an account or Docker.
 *
 * Why these emulators (measured on Node 20, 2 cores; README, Decisions):
 * - kinesalite 3.3.3: PutRecords ≈ 9,700 records/s, GetRecords ≈ 17,000/s, ordering per key and
 *   iterator types correct. kinesis-local (kinesis-mock) has the full API but ≈ 170 PutRecords/s,
 *   0.5 GB of memory, binds 0.0.0.0 and ignores SIGTERM: too slow and too leaky for tests.
 * - dynalite 4.0.0: conditional writes, UpdateItem, BatchWrite and Query correct; 400 concurrent
 *   conditional increments lost nothing. (No transactions/TTL/Streams: DynamoDB Local on Java is the
 *   fallback when those are needed.)
 * - s3rver 3.7.1: the only S3 on npm; needs `--openssl-legacy-provider` for paginated listings and
 *   `WHEN_REQUIRED` checksums (set in the client factory).
 * All three run in ONE child Node process: it can carry the OpenSSL flag, keeps emulator CPU off the
 * pipeline's event loop, and dies with its parent (see emulators/emulator-host.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AwsClientConfig, ServiceEndpoints } from '../shared/adapters/aws-clients.js';
import { EMULATOR_CREDENTIALS } from '../shared/adapters/aws-clients.js';
import type { PipelineResources } from '../shared/adapters/pipeline-wiring.js';
import { type ResourceNames, resourceNames } from '../shared/config.js';
import type { EmulatorHostOptions, EmulatorPorts, HostMessage, ParentMessage } from './emulators/protocol.js';
import { ensureResources } from './emulators/resources.js';

const LOCAL_REGION = 'us-east-1';
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 3_000;
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** Where the pipeline's AWS resources live: the embedded emulators, LocalStack or AWS. */
export interface AwsTarget {
  readonly endpoints: Required<ServiceEndpoints>;
  readonly names: ResourceNames;
  readonly streamArn: string;
  /** Pass to the factories of `shared/adapters/aws-clients.ts`. */
  readonly clientConfig: AwsClientConfig;
  /** Releases what this target started; safe to call more than once. */
  stop(): Promise<void>;
}

/** The pipeline's tables and lake bucket among a target's names, as `wirePipeline` takes them. */
export function pipelineResources(names: ResourceNames): PipelineResources {
  return {
    stateTable: names.stateTable,
    seenIdsTable: names.seenIdsTable,
    outputTable: names.outputTable,
    lakeBucket: names.lakeBucket,
  };
}

/** The embedded emulators, running in one child process. */
export interface LocalAws extends AwsTarget {
  /** Pid of the emulator host process. */
  readonly pid: number;
  /** s3rver's object directory. */
  readonly dataDir: string;
}

export interface LocalAwsOptions {
  /** @default 1 */
  readonly shards?: number;
  /** Where s3rver keeps objects; kept on stop. @default a temporary directory removed on stop */
  readonly dataDir?: string;
  /** @default resourceNames() */
  readonly names?: ResourceNames;
  /**
   * Stop the emulators and exit (130/143) on SIGINT/SIGTERM. Turn off when the caller handles the
   * signals itself and calls `stop()`; the child still exits when this process does.
   * @default true
   */
  readonly handleSignals?: boolean;
}

export class LocalAwsStartError extends Error {
  constructor(
    readonly reason: string,
    readonly exitCode: number | null,
  ) {
    super(`the local AWS emulators did not start: ${reason}`);
    this.name = 'LocalAwsStartError';
  }
}

/**
 * Starts kinesalite, dynalite and s3rver on free 127.0.0.1 ports and creates the stream (ACTIVE),
 * the state and outputs tables and the lake bucket.
 *
 * @example
 *   const aws = await startLocalAws({ shards: 2 });
 *   const kinesis = createKinesisClient(aws.clientConfig);
 *   try { ... } finally { await aws.stop(); }
 */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const shards = options.shards ?? 1;
  if (!Number.isInteger(shards) || shards < 1 || shards > 100) {
    throw new RangeError(`shards must be an integer from 1 to 100, got ${shards}`);
  }
  const names = options.names ?? resourceNames();
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tickflow-s3-')));

  const child = forkEmulatorHost({
    s3Directory: dataDir,
    createStreamMs: 20,
    createTableMs: 20,
    credentials: EMULATOR_CREDENTIALS,
  });
  const stopChild = onceAsync(async () => {
    detachSignals();
    await terminate(child);
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
  });
  const detachSignals = attachExitHooks(child, stopChild, options.handleSignals ?? true);

  try {
    const ports = await waitUntilReady(child);
    const endpoints = {
      kinesis: `http://127.0.0.1:${ports.kinesis}`,
      dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
      s3: `http://127.0.0.1:${ports.s3}`,
    };
    const clientConfig: AwsClientConfig = {
      region: LOCAL_REGION,
      endpoint: endpoints,
      credentials: EMULATOR_CREDENTIALS,
    };
    const { streamArn } = await ensureResources(clientConfig, names, shards);
    return { endpoints, names, streamArn, clientConfig, pid: child.pid!, dataDir, stop: stopChild };
  } catch (err) {
    await stopChild();
    throw err;
  }
}

/**
 * Uses the endpoint of `AWS_ENDPOINT_URL` (LocalStack) or the given config, creating only the
 * resources that are missing there. `stop()` releases nothing: the resources belong to that endpoint.
 */
export async function connectExternalAws(
  options: { config?: AwsClientConfig; names?: ResourceNames; shards?: number } = {},
): Promise<AwsTarget> {
  const endpoint = options.config?.endpoint ?? process.env.AWS_ENDPOINT_URL;
  if (!endpoint) {
    throw new Error(
      'connectExternalAws needs AWS_ENDPOINT_URL (e.g. http://localhost:4566) or config.endpoint',
    );
  }
  const endpoints =
    typeof endpoint === 'string'
      ? { kinesis: endpoint, dynamodb: endpoint, s3: endpoint }
      : { kinesis: endpoint.kinesis ?? '', dynamodb: endpoint.dynamodb ?? '', s3: endpoint.s3 ?? '' };
  const clientConfig: AwsClientConfig = { ...options.config, endpoint };
  const names = options.names ?? resourceNames();
  const { streamArn } = await ensureResources(clientConfig, names, options.shards ?? 1);
  return { endpoints, names, streamArn, clientConfig, stop: async () => undefined };
}

function forkEmulatorHost(options: EmulatorHostOptions): ChildProcess {
  const hostScript = fileURLToPath(new URL('./emulators/emulator-host.ts', import.meta.url));
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return fork(hostScript, [JSON.stringify(options)], {
    execArgv: ['--openssl-legacy-provider', '--import', tsxLoader],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'json',
  });
}

function waitUntilReady(child: ChildProcess): Promise<EmulatorPorts> {
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      cleanup();
      reject(new LocalAwsStartError(reason, child.exitCode));
    };
    const onMessage = (message: HostMessage) => {
      if (message.type === 'ready') {
        cleanup();
        resolve(message.ports);
      } else fail(message.message);
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(`emulator host exited (code ${code}, signal ${signal}) before it was ready`);
    const onError = (err: Error) => fail(err.message);
    const timer = setTimeout(() => fail(`not ready after ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Asks the child to stop, then SIGKILLs it if it has not exited in time. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Ties the child's life to this process: killed synchronously on exit, stopped on SIGINT/SIGTERM
 * (then this process exits with the conventional code). Returns the detach function.
 */
function attachExitHooks(child: ChildProcess, stop: () => Promise<void>, handleSignals: boolean): () => void {
  const onExit = () => child.kill('SIGKILL');
  const onSignal = (signal: keyof typeof SIGNAL_EXIT_CODES) => {
    void stop().finally(() => process.exit(SIGNAL_EXIT_CODES[signal]));
  };
  process.once('exit', onExit);
  if (handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

function onceAsync(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}
