import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * moto's server (Python, `moto_server`): a local implementation of the SNS and SQS APIs, used where
 * no npm emulator serves them. Started on a free port of 127.0.0.1; `stop()` ends it.
 */
export interface MotoServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `moto_server`; rejects when it is not installed or exits before it answers. */
export async function startMotoServer(): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`moto_server could not start: ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`moto_server exited (${code}): ${stderr.slice(-500)}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  // No deadline of our own beyond the hook's: under load the interpreter takes a while to start.
  const ready = (async () => {
    for (;;) {
      try {
        if ((await fetch(`${endpoint}/moto-api/`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await Promise.race([ready, exited]);
  exited.catch(() => undefined); // its exit on stop() is expected
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
