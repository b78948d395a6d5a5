import { Writable } from 'node:stream';
import { loggerOptions } from '../../src/server.js';

/** A pino destination that keeps every log line, for tests that read or scan the log. */
export function captureLog(level = 'debug'): {
  logger: Record<string, unknown>;
  lines: string[];
  text(): string;
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
} {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return {
    logger: { ...(loggerOptions(level) as Record<string, unknown>), stream },
    lines,
    text: () => lines.join('\n'),
    async waitFor(pattern, ms = 5000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = lines.find((line) => pattern.test(line));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no log line matched ${pattern} within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}
