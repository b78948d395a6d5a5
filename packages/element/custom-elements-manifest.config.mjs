// `cem analyze` reads this: the manifest comes from the JSDoc tags (@slot, @csspart, @cssproperty, @fires) in src/.
export default {
  globs: ['src/**/*.ts'],
  outdir: '.',
  litelement: true,
};
