/**
 * moto_server (Python moto), an independent SageMaker implementation, started on a
 * free 127.0.0.1 port for the tests that use it. A missing moto is an error that
 * says how to install it, never a skipped test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface Moto {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startMoto(timeoutMs = 30_000): Promise<Moto> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Error>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) =>
      resolve(
        new Error(
          e.code === 'ENOENT'
            ? "moto_server is not installed; install it with: pip install 'moto[server]'"
            : `moto_server could not start: ${e.message}`,
        ),
      ),
    );
    child.once('exit', (code) => resolve(new Error(`moto_server exited with ${code}:\n${stderr}`)));
  });

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await fetch(`${url}/moto-api/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    const failed = await Promise.race([exited, new Promise((r) => setTimeout(r, 200, undefined))]);
    if (failed instanceof Error) throw failed;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms:\n${stderr}`);
    }
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
