/**
 * The local Converse endpoint with image blocks, through the real SDK: each
 * image is read by the injected reader and its text takes the image's place,
 * usage counts Claude's image tokens, the answer says OCR was used, a page
 * out of OCR time makes a model timeout, and Bedrock's image limits are
 * enforced as Bedrock enforces them.
 */
import {
  BedrockRuntimeClient,
  type ContentBlock,
  ConverseCommand,
  type ConverseCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import { createCanvas } from '@napi-rs/canvas';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeImageTokens } from '#core/extraction/vision-limits.ts';
import {
  type ConverseExtractionRequest,
  type ImageReader,
  type LocalBedrockServer,
  startBedrockServer,
} from '#local/bedrock-server.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const TOOL = 'record_fields';
const servers: LocalBedrockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const png = (width: number, height: number): Uint8Array => {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  return new Uint8Array(canvas.toBuffer('image/png'));
};

const start = async (reader?: ImageReader) => {
  const seen: ConverseExtractionRequest[] = [];
  const server = await startBedrockServer({
    servedModelId: 'local.rule-based-extractor-v1',
    extractor: (request) => {
      seen.push(request);
      return { diagnoses: [] };
    },
    ...(reader ? { imageReader: reader, imageReaderLabel: 'stub OCR 1.0' } : {}),
  });
  servers.push(server);
  const bedrock = new BedrockRuntimeClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  return { server, bedrock, seen };
};

const input = (content: ContentBlock[]): ConverseCommandInput => ({
  modelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
  system: [{ text: 'sys' }],
  messages: [{ role: 'user', content }],
  toolConfig: {
    tools: [{ toolSpec: { name: TOOL, inputSchema: { json: { type: 'object' } } } }],
    toolChoice: { tool: { name: TOOL } },
  },
});

const errorName = async (bedrock: BedrockRuntimeClient, content: ContentBlock[]) => {
  try {
    await bedrock.send(new ConverseCommand(input(content)));
    return 'resolved';
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : 'non-error';
  }
};

describe('local Converse endpoint with image blocks', () => {
  it('puts the recognised text of each image in its place, counts image tokens and says OCR was used', async () => {
    // Prepare
    const read: number[] = [];
    const { bedrock, seen } = await start(async (image) => {
      read.push(image.byteLength);
      return { text: 'Patient: Synthetic Example', confidence: 91, readable: true, ms: 12 };
    });
    const page = png(1212, 1568);

    // Act
    const out = await bedrock.send(
      new ConverseCommand(
        input([
          { text: '<document>\n[Page 1 of 1: scanned image]' },
          { image: { format: 'png', source: { bytes: page } } },
          { text: '</document>' },
        ]),
      ),
    );

    // Assess
    expect(read).toEqual([page.byteLength]);
    expect(seen[0]?.userText).toBe(
      '<document>\n[Page 1 of 1: scanned image]\nPatient: Synthetic Example\n</document>',
    );
    // Text tokens count the request's text blocks; the image counts by Claude's formula, not its OCR text.
    const sentText = '<document>\n[Page 1 of 1: scanned image]\n</document>';
    // The tool definition (no description) and Haiku 4.5's 313-token forced tool-use prompt count too.
    const toolJson = JSON.stringify({
      name: TOOL,
      description: '',
      input_schema: { type: 'object' },
    });
    const textTokens =
      Math.ceil('sys'.length / 4) +
      Math.ceil(sentText.length / 4) +
      Math.ceil(toolJson.length / 4) +
      313;
    expect(out.usage?.inputTokens).toBe(
      textTokens + claudeImageTokens({ width: 1212, height: 1568 }),
    );
    expect(out.additionalModelResponseFields).toMatchObject({
      servedBy: 'local.rule-based-extractor-v1+ocr',
      engine: 'rule-based extractor (not a language model), over OCR text (stub OCR 1.0)',
      usageEstimated: true,
      ocr: { engine: 'stub OCR 1.0', pages: 1, unreadablePages: 0, meanConfidence: 91, ms: 12 },
    });
  });

  it('counts unreadable pages and leaves their text out', async () => {
    const { bedrock, seen } = await start(async () => ({
      text: '',
      confidence: 12,
      readable: false,
      ms: 5,
    }));
    const out = await bedrock.send(
      new ConverseCommand(
        input([{ text: 'a' }, { image: { format: 'png', source: { bytes: png(300, 300) } } }]),
      ),
    );
    expect(seen[0]?.userText).toBe('a\n');
    expect(out.additionalModelResponseFields).toMatchObject({
      ocr: { pages: 1, unreadablePages: 1, meanConfidence: 12 },
    });
  });

  it('answers a model timeout, not an answer without the page, when a page ran out of OCR time', async () => {
    const { bedrock, seen } = await start(async () => ({
      text: '',
      confidence: 0,
      readable: false,
      problem: 'timeout',
      ms: 60_000,
    }));
    expect(
      await errorName(bedrock, [
        { text: 'a' },
        { image: { format: 'png', source: { bytes: png(300, 300) } } },
      ]),
    ).toMatch(/^ModelTimeoutException: .*did not read a page in time/);
    expect(seen).toHaveLength(0);
  });

  it('refuses images without an image reader, past 20 images, under 200 px and when undecodable', async () => {
    const noReader = await start();
    expect(
      await errorName(noReader.bedrock, [
        { text: 'a' },
        { image: { format: 'png', source: { bytes: png(300, 300) } } },
      ]),
    ).toMatch(/^ValidationException: .*without an image reader/);

    const { bedrock, seen } = await start(async () => ({
      text: 'x',
      confidence: 90,
      readable: true,
      ms: 1,
    }));
    const small = png(300, 300);
    const many: ContentBlock[] = [
      { text: 'a' },
      ...Array.from({ length: 21 }, () => ({
        image: { format: 'png' as const, source: { bytes: small } },
      })),
    ];
    expect(await errorName(bedrock, many)).toMatch(/^ValidationException: Too many images: 21/);
    expect(
      await errorName(bedrock, [
        { text: 'a' },
        { image: { format: 'png', source: { bytes: png(1000, 150) } } },
      ]),
    ).toMatch(/^ValidationException: .*under 200 px/);
    expect(
      await errorName(bedrock, [
        { text: 'a' },
        { image: { format: 'jpeg', source: { bytes: new Uint8Array([1, 2, 3, 4]) } } },
      ]),
    ).toMatch(/^ValidationException: Unable to decode an image block/);
    expect(seen).toHaveLength(0);
  });
});
