/** A local HTTP endpoint that only counts what is sent to it: for "no AWS request" tests. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RequestCounter {
  url: string;
  count(): number;
  close(): Promise<void>;
}

export async function startRequestCounter(): Promise<RequestCounter> {
  let count = 0;
  const server: Server = createServer((request, response) => {
    count++;
    request.resume();
    response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify({ __type: 'InternalFailure', message: 'request counter' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
