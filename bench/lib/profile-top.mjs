// Summarizes a .cpuprofile: self time by function and by package. node lib/profile-top.mjs <file> [top]
import { readFileSync } from 'node:fs';

const [file, topText = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fns = new Map();
const pkgs = new Map();
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id);
  const where = f.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1] ?? (where.includes('/packages/') ? where.replace(/.*\/packages\//, 'packages/') : where || '(native)');
  const name = `${f.functionName || '(anonymous)'} ${pkg}:${f.lineNumber + 1}`;
  fns.set(name, (fns.get(name) ?? 0) + us);
  const group = pkg.startsWith('packages/') ? pkg.split('/').slice(0, 2).join('/') : pkg;
  pkgs.set(group, (pkgs.get(group) ?? 0) + us);
}
const show = (map, n) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log(`# by package\n${show(pkgs, 15)}\n\n# by function (self)\n${show(fns, Number(topText))}`);
