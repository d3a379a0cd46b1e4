import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * Last-resort cleanup of the JVMs this process started: on `exit` and on SIGINT/SIGTERM/SIGHUP each
 * tracked JVM is killed and its tmp folder removed, so no JVM (Cassandra, Kafka) outlives a run or a test run.
 */

const live = new Map<ChildProcess, string>();
let installed = false;

/** Registers a JVM and its tmp folder; returns the function that unregisters it after a clean stop. */
export function trackChild(child: ChildProcess, baseDir: string): () => void {
  installHooks();
  live.set(child, baseDir);
  child.once('exit', () => live.delete(child));
  return () => live.delete(child);
}

function reapAll(): void {
  for (const [child, baseDir] of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(baseDir, { recursive: true, force: true });
  }
  live.clear();
}

function installHooks(): void {
  if (installed) return;
  installed = true;
  process.once('exit', reapAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      reapAll();
      process.removeListener(signal, onSignal);
      // Nobody else handles it: restore the default behaviour (terminate with the signal).
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
