import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The address of a port nothing listens on any more (connections are refused). */
export const closedPort = async (): Promise<string> => {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return `http://127.0.0.1:${port}`;
};
