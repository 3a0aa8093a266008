/**
 * `@smithy/node-http-handler` as the function bundles see it (ADR 59): the
 * HTTP/1.1 handler and the stream collector from the package itself, and, in
 * place of its HTTP/2 handler, a stand-in that only passes on a handler the
 * caller built. The package's index imports `node:http2` for that handler
 * whether or not a client ever uses it; an ES bundle hoists the import to its
 * top, so every bundle with the Bedrock Runtime client (whose default
 * configuration names the HTTP/2 handler) loaded `node:http2` at init.
 *
 * The shared bundle settings alias the package to this file
 * (infra/bundle-settings.ts). The HTTP/1.1 handler is imported by its path
 * inside the package, which the alias does not rewrite. Every client the
 * functions build either defaults to the HTTP/1.1 handler (S3, DynamoDB, Step
 * Functions) or is given one (Bedrock Runtime, functions/shared/clients/
 * bedrock.ts: Converse works over HTTP/1.1; only the bidirectional streaming
 * APIs need HTTP/2). A client that asks for the HTTP/2 handler's defaults
 * fails when it is constructed, with the reason, instead of on its first call.
 */

export { streamCollector } from '@smithy/core/serde';
export {
  DEFAULT_REQUEST_TIMEOUT,
  NodeHttpHandler,
} from '../../node_modules/@smithy/node-http-handler/dist-es/node-http-handler.js';

/** The HTTP/2 handler's `create`, for a handler the caller built; it builds none itself. */
export const NodeHttp2Handler = {
  create(instanceOrOptions) {
    if (typeof instanceOrOptions?.handle === 'function') return instanceOrOptions;
    throw new Error(
      'The function bundles carry no HTTP/2 handler (ADR 59): give the client a requestHandler, such as a NodeHttpHandler.',
    );
  },
};
