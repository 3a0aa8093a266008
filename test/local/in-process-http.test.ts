/**
 * In-process HTTP for this process's emulators: SDK requests to a served
 * endpoint reach its handler without a socket, carrying the signed request;
 * a stopped endpoint goes back to TCP and fails the requests it held.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type InProcessRequest,
  listenerServe,
  queryString,
  serveInProcess,
  tapInProcessRequests,
} from '#local/in-process-http.ts';
import { localClientConfig, localS3ClientConfig, startS3Sqs } from '#local/s3-sqs.ts';

const stoppers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  tapInProcessRequests(undefined);
  for (const stop of stoppers.splice(0).reverse()) await stop();
});

/** A loopback server answering the Step Functions JSON API's ListStateMachines, counting connections. */
const startCounted = async (onRequest?: (req: IncomingMessage) => void) => {
  const seen: { connections: number; authorization: string[] } = {
    connections: 0,
    authorization: [],
  };
  const listener: RequestListener = (req, res) => {
    onRequest?.(req);
    seen.authorization.push(String(req.headers.authorization ?? ''));
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      res.end(JSON.stringify({ stateMachines: [] }));
    });
  };
  const server = createServer(listener);
  server.on('connection', () => {
    seen.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stoppers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { endpoint, listener, seen };
};

describe('in-process HTTP', () => {
  it('hands a served endpoint the signed request without opening a connection', async () => {
    // Prepare
    const { endpoint, listener, seen } = await startCounted();
    const unserve = serveInProcess(endpoint, listenerServe(listener));
    stoppers.push(unserve);
    const tapped: InProcessRequest[] = [];
    tapInProcessRequests((_, request) => tapped.push(request));
    const sfn = new SFNClient(localClientConfig(endpoint));

    // Act
    const answer = await sfn.send(new ListStateMachinesCommand({}));

    // Assess
    expect(answer.stateMachines).toEqual([]);
    expect(seen.connections).toBe(0);
    expect(seen.authorization[0]).toMatch(/^AWS4-HMAC-SHA256 Credential=local\//);
    expect(tapped).toHaveLength(1);
    expect(tapped[0]?.headers['x-amz-target']).toBe('AWSStepFunctions.ListStateMachines');
  });

  it('goes back to the socket once the endpoint stops being served', async () => {
    // Prepare
    const { endpoint, listener, seen } = await startCounted();
    const unserve = serveInProcess(endpoint, listenerServe(listener));
    const sfn = new SFNClient(localClientConfig(endpoint));
    await sfn.send(new ListStateMachinesCommand({}));

    // Act
    unserve();
    await sfn.send(new ListStateMachinesCommand({}));

    // Assess
    expect(seen.connections).toBe(1);
    expect(seen.authorization).toHaveLength(2);
  });

  it('fails a request still open when the endpoint stops, as a closed connection does', async () => {
    // Prepare: a handler that never answers.
    let held: ServerResponse | undefined;
    const listener: RequestListener = (_req, res) => {
      held = res;
    };
    const { endpoint } = await startCounted();
    const unserve = serveInProcess(endpoint, listenerServe(listener));
    const sfn = new SFNClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
    const pending = sfn.send(new ListStateMachinesCommand({})).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Act
    unserve();

    // Assess
    expect(await pending).toMatchObject({ code: 'ECONNRESET' });
    expect(held?.destroyed).toBe(true);
  });

  it('round-trips S3 objects through fauxqs in process, bodies and ETags intact', async () => {
    // Prepare
    const s3sqs = await startS3Sqs();
    stoppers.push(() => s3sqs.stop());
    const tapped: string[] = [];
    tapInProcessRequests((_, request) => tapped.push(`${request.method} ${request.url}`));
    const s3 = new S3Client(localS3ClientConfig(s3sqs.endpoint));
    const body = Buffer.from('%PDF-1.7 synthetic bytes \u00e9');
    await s3.send(new CreateBucketCommand({ Bucket: 'in-process' }));

    // Act
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'in-process', Key: 'a b/c+d.pdf', Body: body }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'in-process', Key: 'a b/c+d.pdf' }));
    const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? []);

    // Assess
    expect(bytes.equals(body)).toBe(true);
    expect(got.ETag).toBe(put.ETag);
    expect(tapped).toContain('PUT /in-process/a%20b/c%2Bd.pdf?x-id=PutObject');
  });

  it("writes the query string as smithy's handler does", () => {
    expect(queryString({ 'x-id': 'GetObject', b: ['2', '1'], flag: null, "a'": 'x y*' })).toBe(
      'a%27=x%20y%2A&b=2&b=1&flag&x-id=GetObject',
    );
  });
});
