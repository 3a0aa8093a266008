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

/**
 * One free port for each of the local stack's emulators, for a process that starts
 * the stack more than once: handler modules and their SDK clients load once per
 * process and keep the endpoints of the stack that first ran them, so a restart
 * must reuse the same ports, as `npm start` does with its fixed ones.
 */
export const freeStackPorts = async (): Promise<{
  s3sqs: number;
  dynamodb: number;
  stepfunctions: number;
  bedrock: number;
}> => ({
  s3sqs: await freePort(),
  dynamodb: await freePort(),
  stepfunctions: await freePort(),
  bedrock: await freePort(),
});
