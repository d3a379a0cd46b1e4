import { openSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { JvmStartError } from './errors.js';
import { hasExited, onceAsync, spawnJvm, tail, terminate } from './process.js';
import { trackChild } from './reaper.js';

/** How to start one throwaway JVM server and how to tell that it serves. */
export interface JvmServerSpec {
  /** For errors: "local Kafka did not start: …". */
  readonly product: string;
  readonly javaBin: string;
  readonly args: readonly string[];
  /** The server's tmp folder; removed by `stop()`. */
  readonly baseDir: string;
  /** Where the JVM's stdout and stderr go. */
  readonly consoleFile: string;
  /** The server's own log, quoted with the console's last lines when the start fails. */
  readonly logFile: string;
  /** True once the server serves. */
  readonly ready: () => Promise<boolean>;
  /** What not being ready in time means, e.g. `CQL port 9042 did not answer`. */
  readonly notReady: string;
  readonly timeoutMs: number;
  readonly pollMs: number;
}

export interface JvmServer {
  /** The JVM's process id. */
  readonly pid: number;
  /** Kills the JVM and removes its tmp folder (the data is throwaway). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Spawns the JVM and resolves once `ready` says it serves; throws {@link JvmStartError} with the
 * log's last lines when it exits or is not ready in time (and then leaves nothing behind). The JVM
 * cannot outlive this process: it is killed on exit and on SIGINT/SIGTERM, and on Linux the kernel
 * kills it if this process dies (PDEATHSIG).
 */
export async function startJvmServer(spec: JvmServerSpec): Promise<JvmServer> {
  const child = spawnJvm(spec.javaBin, [...spec.args], openSync(spec.consoleFile, 'a'));
  const untrack = trackChild(child, spec.baseDir);
  const stop = onceAsync(async () => {
    await terminate(child);
    untrack();
    rmSync(spec.baseDir, { recursive: true, force: true });
  });
  const logTail = () => tail(spec.logFile, spec.consoleFile);
  try {
    const deadline = Date.now() + spec.timeoutMs;
    for (;;) {
      if (hasExited(child)) {
        const how = child.exitCode ?? child.signalCode;
        throw new JvmStartError(spec.product, `the JVM exited (${how})`, logTail(), child.exitCode);
      }
      if (await spec.ready()) break;
      if (Date.now() >= deadline)
        throw new JvmStartError(spec.product, `${spec.notReady} within ${spec.timeoutMs} ms`, logTail());
      await sleep(spec.pollMs);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: child.pid!, stop };
}
