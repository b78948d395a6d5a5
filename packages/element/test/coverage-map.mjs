// Unit tests cover the pure modules (no DOM) at 100%; the rest is covered by the browser tests.
export default (testFile) => {
  const name = testFile.replace(/^.*\//, '').replace(/\.test\.ts$/, '');
  return [`src/core/${name}.ts`];
};
