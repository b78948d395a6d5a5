import { defineConfig, type Plugin } from 'vite';

/**
 * Collapses the indentation inside Lit's html`` and css`` templates (minifiers leave template
 * text alone). Expressions are copied as they are, except nested html`` templates.
 */
export function minifyTemplates(code: string): string {
  let i = 0;
  const template = (kind: string): string => {
    let out = '';
    let text = '';
    const flush = (): void => {
      out +=
        kind === 'css'
          ? text
              .replace(/\s+/g, ' ')
              .replace(/ ?([{};,>]) ?/g, '$1')
              .replace(/: /g, ':')
              .replace(/;}/g, '}')
              .replace(/\[(\w+~?=)'([\w-]+)'\]/g, '[$1$2]')
              .replace(/([ :(,])0\./g, '$1.')
          : kind === 'html'
            ? text.replace(/>\s*\n\s*</g, '><').replace(/\s*\n\s*/g, ' ')
            : text;
      text = '';
    };
    while (i < code.length) {
      const c = code[i]!;
      if (c === '\\') {
        text += c + code[i + 1];
        i += 2;
      } else if (c === '`') {
        flush();
        i++;
        return `${out}\``;
      } else if (c === '$' && code[i + 1] === '{') {
        flush();
        i += 2;
        out += `\${${expression()}`;
      } else {
        text += c;
        i++;
      }
    }
    throw new Error('minifyTemplates: unterminated template');
  };
  const expression = (): string => {
    let out = '';
    let depth = 0;
    while (i < code.length) {
      const c = code[i++]!;
      if (c === '`') out += `\`${template(/\bhtml\s*$/.test(out) ? 'html' : '')}`;
      else if (c === "'" || c === '"') {
        const end = code.indexOf(c, i);
        out += code.slice(i - 1, end + 1);
        i = end + 1;
      } else if (c === '}' && depth-- === 0) return `${out}}`;
      else {
        if (c === '{') depth++;
        out += c;
      }
    }
    throw new Error('minifyTemplates: unterminated expression');
  };
  let out = '';
  for (const match of code.matchAll(/\b(html|css)`/g)) {
    if (match.index < i) continue;
    out += code.slice(i, match.index + match[0].length);
    i = match.index + match[0].length;
    out += template(match[1]!);
  }
  return out + code.slice(i);
}

const templates = (): Plugin => ({
  name: 's3-upload:minify-templates',
  enforce: 'pre',
  transform(code, id) {
    if (/\/src\/s3-upload\/.*\.ts$/.test(id)) return { code: minifyTemplates(code), map: null };
  },
});

// `vite build`: dist/s3-upload.js, ESM for npm with lit external.
// `vite build --mode bundle`: dist/s3-upload.bundle.js, self-contained and minified for script tags and CDNs.
export default defineConfig(({ mode }) => {
  const bundle = mode === 'bundle';
  return {
    plugins: [templates()],
    build: {
      target: 'es2022',
      emptyOutDir: false,
      sourcemap: true,
      minify: bundle,
      lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => (bundle ? 's3-upload.bundle.js' : 's3-upload.js') },
      rolldownOptions: {
        external: bundle ? [] : [/^lit(\/|$)/, /^@lit\//],
        output: bundle
          ? { minify: true, comments: false, postBanner: '/*! <s3-upload> (MIT) | bundles Lit (BSD-3-Clause, Copyright 2017 Google LLC) */' }
          : {},
      },
    },
  };
});
