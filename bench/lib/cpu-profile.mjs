// A page's CPU profile (CDP Profiler, in the renderer's main thread) summarized by self time:
// the top functions, and the time by module of an unminified esbuild bundle (which marks where
// every module starts with a `// path` comment line), plus the idle, GC and "program" (native,
// rendering and layout outside JS) buckets that V8 reports.

/** Line ranges of the modules of an unminified esbuild bundle: [{ start, module }] sorted by start line (0-based). */
export function moduleRanges(code) {
  const ranges = [];
  code.split('\n').forEach((line, i) => {
    const match = /^\/\/ (\S+\.(?:[cm]?js|ts))$/.exec(line);
    if (match) ranges.push({ start: i, module: shortModule(match[1]) });
  });
  return ranges;
}

function shortModule(path) {
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (pkg) return `${pkg[1]}/${pkg[2].replace(/^(?:dist|lib)\//, '')}`;
  return path.replace(/^(?:\.\.\/)+/, '');
}

/**
 * @param profile CDP `Profiler.stop` → `profile`
 * @param bundles { [urlSuffix]: moduleRanges(code) } for the bundles served unminified
 */
export function summarizeCpuProfile(profile, bundles = {}, top = 15) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const us = timeDeltas[i + 1] ?? 0; // a sample lasts until the next one
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + us);
  }
  const byFunction = new Map();
  const byModule = new Map();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    totalUs += us;
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const special = /^\((?:idle|program|garbage collector|root)\)$/.test(functionName);
    const bundle = Object.keys(bundles).find((suffix) => url.endsWith(suffix));
    let module = special ? functionName : url ? url.replace(/^https?:\/\/[^/]+/, '') : '(native / browser)';
    if (bundle) {
      const ranges = bundles[bundle];
      let found = ranges[0]?.module ?? bundle;
      for (const range of ranges) if (range.start <= lineNumber) found = range.module;
      module = found;
    }
    const fn = special ? functionName : `${functionName || '(anonymous)'}  [${module}${url ? `:${lineNumber + 1}` : ''}]`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byModule.set(module, (byModule.get(module) ?? 0) + us);
  }
  const ms = (us) => Math.round(us / 100) / 10;
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  const idle = byModule.get('(idle)') ?? 0;
  return {
    wallMs: ms(profile.endTime - profile.startTime),
    sampledMs: ms(totalUs),
    busyMs: ms(totalUs - idle),
    idleMs: ms(idle),
    topFunctions: sorted(byFunction).filter(([name]) => name !== '(idle)').slice(0, top).map(([name, us]) => ({ name, selfMs: ms(us) })),
    byModule: sorted(byModule).slice(0, top).map(([module, us]) => ({ module, selfMs: ms(us) })),
  };
}
