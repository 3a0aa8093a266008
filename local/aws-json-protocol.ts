/**
 * HTTP plumbing shared by the local AWS endpoints: reading request bodies,
 * answering in the AWS JSON 1.0 and REST-JSON shapes (including the error
 * shapes the AWS SDK v3 maps to typed exceptions), and loopback listen/close.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Content type of the AWS JSON 1.0 protocol (Step Functions, DynamoDB). */
export const AWS_JSON_1_0 = 'application/x-amz-json-1.0';

/**
 * An error answered to the client in the service's wire shape. `code` is the
 * exception name the SDK maps (`error.name` on the client side).
 */
export class AwsProtocolError extends Error {
  override readonly name = 'AwsProtocolError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the whole request body, refusing bodies above `limitBytes` with a 413. */
export const readBody = async (req: IncomingMessage, limitBytes: number): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limitBytes) {
      throw new AwsProtocolError(
        413,
        'ValidationException',
        `request body exceeds ${limitBytes} bytes`,
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
};

/** Parses a JSON request body; an empty body is `{}` as in the AWS protocols. */
export const parseJsonBody = (body: Buffer): unknown => {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch {
    throw new AwsProtocolError(400, 'SerializationException', 'request body is not valid JSON');
  }
};

/** Writes a JSON response with a fresh request id. */
export const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
  headers: Readonly<Record<string, string>> = {},
): void => {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(payload)),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(payload);
};

/**
 * AWS JSON 1.0 error: `{"__type", "message"}` in the body. The SDK takes the
 * exception name from `__type` (anything before a `#` is a namespace).
 */
export const sendAwsJsonError = (res: ServerResponse, error: AwsProtocolError): void => {
  sendJson(res, error.status, { __type: error.code, message: error.message }, AWS_JSON_1_0, {
    'x-amzn-errortype': error.code,
  });
};

/**
 * REST-JSON error (Bedrock runtime): the exception name travels in the
 * `x-amzn-errortype` header, optionally followed by `:<namespace url>` as AWS
 * sends it; the body carries only the message.
 */
export const sendRestJsonError = (
  res: ServerResponse,
  error: AwsProtocolError,
  errorTypeSuffix = '',
): void => {
  sendJson(res, error.status, { message: error.message }, 'application/json', {
    'x-amzn-errortype': `${error.code}${errorTypeSuffix}`,
  });
};

/** Binds the server to 127.0.0.1 (port 0 picks a free one) and returns the bound port. */
export const listenOnLoopback = (server: Server, port = 0): Promise<number> =>
  new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('PORT_UNAVAILABLE: no TCP address assigned'));
        return;
      }
      resolve(address.port);
    });
  });

/**
 * Stops accepting connections and closes the open ones. SDK clients keep
 * connections alive, so waiting for them to go idle could take minutes.
 */
export const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
