/**
 * Child process that hosts kinesalite, dynalite and s3rver on 127.0.0.1 (ports chosen by the OS).
 * Started by `startLocalAws` with `--openssl-legacy-provider`, which s3rver's paginated ListObjectsV2
 * needs (without it, it answers 500). It never outlives its parent: it exits when the IPC channel closes (the parent
 * stopped, crashed or was killed), on a `stop` message, on SIGTERM, and after any startup failure.
 * SIGINT (Ctrl-C reaches the whole process group) is left to the parent, which stops us in order.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { EmulatorHostOptions, EmulatorPorts, HostMessage, ParentMessage } from './protocol.js';
import { makeS3rverObjectsAtomic } from './s3rver-atomic-objects.js';

const require = createRequire(import.meta.url);
const HOST = '127.0.0.1';
const CLOSE_GRACE_MS = 500;
/** Open shards over all streams; AWS's default account quota is higher than kinesalite's 10. */
const MAX_SHARDS = 500;

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
interface S3rverAccounts {
  DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
}
type ServerFactory = (options: Record<string, unknown>) => Server;

const servers: Server[] = [];
let s3: S3rverInstance | undefined;
let exiting = false;

function send(message: HostMessage): void {
  if (process.send && process.connected) process.send(message);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

async function startEmulators(options: EmulatorHostOptions): Promise<EmulatorPorts> {
  const kinesalite = require('kinesalite') as ServerFactory;
  const dynalite = require('dynalite') as ServerFactory;
  const S3rver = require('s3rver') as S3rverConstructor;

  const kinesisServer = kinesalite({
    createStreamMs: options.createStreamMs,
    deleteStreamMs: 0,
    shardLimit: MAX_SHARDS,
  });
  const dynamoServer = dynalite({ createTableMs: options.createTableMs, deleteTableMs: 0 });
  servers.push(kinesisServer, dynamoServer);
  const [kinesis, dynamodb] = await Promise.all([listen(kinesisServer), listen(dynamoServer)]);

  // s3rver checks signatures against its own account registry: register the keys the clients use.
  const s3Accounts = require('s3rver/lib/models/account') as S3rverAccounts;
  s3Accounts.DUMMY_ACCOUNT.createKeyPair(
    options.credentials.accessKeyId,
    options.credentials.secretAccessKey,
  );
  makeS3rverObjectsAtomic(require('s3rver/lib/stores/filesystem'), require('s3rver/lib/models/object'));
  s3 = new S3rver({ address: HOST, port: 0, silent: true, directory: options.s3Directory });
  const s3Address = await s3.run();
  return { kinesis, dynamodb, s3: s3Address.port };
}

/** Closes the servers, bounded by a grace period (keep-alive sockets would otherwise hold close()). */
function shutdown(code: number): void {
  if (exiting) return;
  exiting = true;
  const closing = [
    ...servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections?.();
          server.close(() => resolve());
        }),
    ),
    s3?.close().catch(() => undefined),
  ];
  const deadline = setTimeout(() => process.exit(code), CLOSE_GRACE_MS);
  void Promise.all(closing).then(() => {
    clearTimeout(deadline);
    process.exit(code);
  });
}

process.on('disconnect', () => shutdown(0));
process.on('message', (message: ParentMessage) => {
  if (message.type === 'stop') shutdown(0);
});
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => undefined);
process.on('uncaughtException', (err) => {
  send({ type: 'failed', message: err.stack ?? err.message });
  shutdown(1);
});

if (!process.send) {
  process.stderr.write('emulator-host must be started by startLocalAws (it needs an IPC channel)\n');
  process.exit(2);
}

try {
  const options = JSON.parse(process.argv[2] ?? '') as EmulatorHostOptions;
  send({ type: 'ready', ports: await startEmulators(options) });
} catch (err) {
  send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  shutdown(1);
}
