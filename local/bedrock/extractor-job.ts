/**
 * Worker side of the rule-based extractor's thread pool: answers each
 * `{ id, request }` message with the extraction of `extractFromPrompt`, or
 * with the error's name and message. No state is kept between requests.
 */
import { parentPort } from 'node:worker_threads';
import { extractFromPrompt, type PromptRequest } from './rule-extractor.ts';

interface Job {
  readonly id: number;
  readonly request: PromptRequest;
}

const port = parentPort;
if (!port) throw new Error('EXTRACTOR_JOB: run as a worker thread');
port.on('message', ({ id, request }: Job) => {
  try {
    port.postMessage({ id, ok: true, value: extractFromPrompt(request) });
  } catch (error) {
    port.postMessage({
      id,
      ok: false,
      name: error instanceof Error ? error.name : 'Error',
      message: error instanceof Error ? error.message : String(error),
    });
  }
});
