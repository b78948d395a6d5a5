import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLeakScan } from '../leaks.mjs';

test('no secret in any response or debug log line of a real signer process', async () => {
  const result = await runLeakScan({ log: (line) => console.log(`# ${line}`) });
  assert.ok(result.logLines > 50, `${result.logLines} log lines`);
  assert.ok(result.responses > 100, `${result.responses} responses`);
  assert.deepEqual(result.leakedInResponses, []);
  assert.deepEqual(result.leakedInLog, []);
});

test('the scan itself finds a leak, even a sliced one', async () => {
  const { findLeaks, SECRET_KEY, TOKEN } = await import('../lib/signer.mjs');
  assert.deepEqual(findLeaks(['{"msg":"ok"}'], [SECRET_KEY]), []);
  assert.equal(findLeaks([`{"msg":"key=${SECRET_KEY.slice(3, 22)}"}`], [SECRET_KEY]).length, 1);
  assert.ok(findLeaks([`{"req":{"headers":{"authorization":"Bearer ${TOKEN}"}}}`], [`Bearer ${TOKEN}`]).length > 0);
});
