/**
 * The function bundles carry `@smithy/node-http-handler` without its HTTP/2
 * handler (ADR 59): no bundle imports `node:http2`, the check reports a build
 * without the alias, and the Bedrock Runtime client built as invoke-model
 * builds it sends Converse over HTTP/1.1 from inside a bundle, while a client
 * left to its HTTP/2 default fails when it is constructed, with the reason.
 */
import { describe, expect, it } from 'vitest';
import { functionEntry } from '#infra/repo-paths.ts';
import {
  buildOutputs,
  type FunctionOutput,
  functionOutputs,
} from '#test/bench/function-outputs.ts';
import { runBundledProbe } from '#test/helpers/bundled-probe.ts';

const importsHttp2 = (built: FunctionOutput): boolean =>
  built.output.imports.some((entry) => entry.path === 'node:http2' || entry.path === 'http2');

const inputs = (built: FunctionOutput): string[] => Object.keys(built.output.inputs);

/**
 * Bundled with the function settings: a local HTTP server answering one
 * Converse call, the invoke-model client sending it, and a Bedrock client
 * built with no request handler. Prints what each did.
 */
const PROBE = `
import { createServer } from 'node:http';
import { BedrockRuntimeClient, ConverseCommand } from '#adapters/aws-sdk/client-bedrock-runtime.cjs';
import { bedrockClient } from '#functions/shared/clients/bedrock.ts';

const answer = {
  output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  metrics: { latencyMs: 1 },
};
let httpVersion = '';
const server = createServer((request, response) => {
  httpVersion = request.httpVersion;
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer));
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = 'http://127.0.0.1:' + server.address().port;
const sent = await bedrockClient().send(
  new ConverseCommand({ modelId: 'm', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
);
server.close();
let defaultClient = 'constructed';
try {
  new BedrockRuntimeClient({});
} catch (error) {
  defaultClient = error.message;
}
process.stdout.write(JSON.stringify({
  stopReason: sent.stopReason,
  httpVersion,
  http2Loaded: process.moduleLoadList.some((name) => name.includes('http2')),
  defaultClient,
}));
`;

describe('function bundles without the HTTP/2 handler', () => {
  it('no function bundle imports node:http2, invoke-model included', async () => {
    // Act
    const bundles = await functionOutputs();

    // Assess
    const withHttp2 = [...bundles].filter(([, built]) => importsHttp2(built)).map(([name]) => name);
    expect(withHttp2).toEqual([]);
    const invokeModel = inputs(bundles.get('invoke-model') as FunctionOutput);
    // The Bedrock client's default configuration is in the bundle, and gets the stand-in.
    expect(
      invokeModel.some((path) => path.includes('client-bedrock-runtime/dist-es/runtimeConfig.js')),
    ).toBe(true);
    expect(
      invokeModel.some((path) => path.endsWith('adapters/aws-sdk/node-http-handler-http1.mjs')),
    ).toBe(true);
    expect(invokeModel.some((path) => path.includes('node-http-handler/dist-es/node-http2'))).toBe(
      false,
    );
  }, 120_000);

  it('reports a bundle built without the alias: the Bedrock client imports node:http2', async () => {
    // Act
    const built = await buildOutputs([['invoke-model', functionEntry('invoke-model')]], {
      alias: {},
    });

    // Assess
    expect(importsHttp2(built.get('invoke-model') as FunctionOutput)).toBe(true);
  }, 60_000);

  it('sends Converse over HTTP/1.1 from a bundle, and refuses a client left to the HTTP/2 default', async () => {
    // Prepare
    const env: NodeJS.ProcessEnv = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };

    // Act
    const result = await runBundledProbe(PROBE, 'functions/invoke-model', env);

    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      stopReason: 'end_turn',
      httpVersion: '1.1',
      http2Loaded: false,
      defaultClient: expect.stringContaining('carry no HTTP/2 handler'),
    });
  }, 60_000);
});
