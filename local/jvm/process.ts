import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** On Linux the JVM is started through `setpriv --pdeathsig KILL` so it dies with its parent even on SIGKILL. */
export function spawnJvm(javaBin: string, args: string[], consoleFd: number): ChildProcess {
  const stdio: ['ignore', number, number] = ['ignore', consoleFd, consoleFd];
  if (process.platform === 'linux' && existsSync('/usr/bin/setpriv')) {
    return spawn('/usr/bin/setpriv', ['--pdeathsig', 'KILL', javaBin, ...args], { stdio });
  }
  return spawn(javaBin, args, { stdio });
}

/** SIGKILL, not a graceful shutdown: the data is throwaway and deleted right after. */
export async function terminate(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** The last 40 lines of each existing file, for an error message. */
export function tail(...files: string[]): string {
  return files
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f, 'utf8').split('\n').slice(-40).join('\n'))
    .join('\n');
}

/** Wraps an async function so that every call shares the first call's promise (an idempotent stop). */
export function onceAsync(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}

/** Runs a command to completion, keeping the last 20,000 characters of its output. */
export function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
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
