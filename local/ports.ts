/**
 * Free TCP port on 127.0.0.1 for emulators that cannot bind port 0 and report
 * the port back (DynamoDB Local takes a fixed `-port`).
 */
import { createServer } from 'node:net';

/**
 * Asks the OS for a free port on 127.0.0.1 and releases it. Another process can
 * take the port before the caller binds it, so callers retry on a bind failure.
 */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close(() => reject(new Error('PORT_UNAVAILABLE: no TCP address assigned')));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
