import t from 'tap';
import { coarseStep, fileProgress, percent } from '../../src/core/progress.js';

t.test('multipart progress is rescaled to the file', async (t) => {
  // 1000-byte file in a 1300-byte body: 280 bytes of fields first, 20 bytes of closing boundary.
  t.equal(fileProgress(0, 1300, 1000), 0);
  t.equal(fileProgress(250, 1300, 1000), 0, 'still sending the fields');
  t.equal(fileProgress(800, 1300, 1000), 500);
  t.equal(fileProgress(1300, 1300, 1000), 1000, 'complete at the end of the body');
  t.equal(fileProgress(5000, 1300, 1000), 1000, 'never more than the file');
  t.equal(fileProgress(10, 0, 1000), 0, 'unknown total');
  t.equal(fileProgress(10, Number.NaN, 1000), 0);
  t.equal(fileProgress(50, 100, 1000), 500, 'a body smaller than the file (odd) is scaled');
  t.equal(fileProgress(10, 10, 0), 0, 'empty file');
});

t.test('percent', async (t) => {
  t.equal(percent(0, 200), 0);
  t.equal(percent(199, 200), 99, 'rounds down: 100 only when all sent');
  t.equal(percent(200, 200), 100);
  t.equal(percent(300, 200), 100);
  t.equal(percent(0, 0), 0);
  t.equal(percent(0, 0, true), 100, 'a finished empty file');
});

t.test('coarse announcement steps', async (t) => {
  t.equal(coarseStep(0, 10), 0);
  t.equal(coarseStep(0, 25), 25);
  t.equal(coarseStep(25, 49), 0);
  t.equal(coarseStep(20, 80), 75, 'a jump announces the highest step only');
  t.equal(coarseStep(75, 100), 0);
  t.equal(coarseStep(0, 40, [10, 20, 30]), 30);
});
