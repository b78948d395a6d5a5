#!/usr/bin/env node
// Generates the reference tables of docs/element.md from packages/element/custom-elements.json (which
// the element's build writes with @custom-elements-manifest/analyzer from its JSDoc tags).
//
//   node docs/generate-element-docs.mjs          rewrite the tables in docs/element.md
//   node docs/generate-element-docs.mjs --check  exit 1 if docs/element.md is not up to date
//
// Only the part between the "generated" markers is rewritten; the prose around it is hand-written.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const MANIFEST = fileURLToPath(new URL('../packages/element/custom-elements.json', import.meta.url));
const DOC = fileURLToPath(new URL('./element.md', import.meta.url));
export const START = '<!-- generated from packages/element/custom-elements.json by docs/generate-element-docs.mjs: do not edit by hand -->';
export const END = '<!-- end of generated reference -->';

/** Markdown table cell text: one line, pipes escaped. */
const cell = (text) => String(text ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
const code = (text) => (text === undefined || text === null || text === '' ? '' : `\`${cell(text)}\``);

function table(head, rows) {
  if (rows.length === 0) return '_None._\n';
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n') + '\n';
}

/** The `defaultMessages` object literal, as the manifest keeps its source: [key, default, note][]. */
export function parseMessages(source) {
  const out = [];
  const re = /(?:\/\*\*\s*(.*?)\s*\*\/\s*)?([A-Za-z_]\w*)\s*:\s*'((?:[^'\\]|\\.)*)'/gs;
  for (const [, comment, key, value] of source.matchAll(re)) {
    out.push([key, value.replace(/\\'/g, "'"), comment ?? '']);
  }
  return out;
}

export function renderReference(manifest) {
  const module = manifest.modules.find((m) => m.declarations?.some((d) => d.customElement && d.tagName === 's3-upload'));
  if (!module) throw new Error('custom-elements.json declares no <s3-upload>');
  const element = module.declarations.find((d) => d.tagName === 's3-upload');
  const members = element.members ?? [];
  const isPublic = (m) => !m.privacy || m.privacy === 'public';
  const attributes = element.attributes ?? [];
  const attributeFields = new Set(attributes.map((a) => a.fieldName));
  const properties = members.filter((m) => m.kind === 'field' && isPublic(m) && !m.static && !attributeFields.has(m.name));
  const callbacks = new Set(['formResetCallback', 'formDisabledCallback', 'formAssociatedCallback', 'formStateRestoreCallback']);
  const methods = members.filter((m) => m.kind === 'method' && isPublic(m) && !m.static && !callbacks.has(m.name));
  const messagesDecl = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.name === 'defaultMessages');
  const messages = messagesDecl ? parseMessages(messagesDecl.default ?? '') : [];

  const parts = [];
  parts.push(START, '');
  parts.push(`### Attributes\n\nEach attribute has a property of the same meaning (the property name is in the second column).\n`);
  parts.push(
    table(
      ['Attribute', 'Property', 'Type', 'Default', 'Description'],
      attributes.map((a) => [code(a.name), code(a.fieldName), code(a.type?.text), code(a.default), cell(a.description)]),
    ),
  );
  parts.push(`### Properties\n\nSet from JavaScript only (no attribute), or read-only.\n`);
  parts.push(
    table(
      ['Property', 'Type', 'Default', 'Description'],
      properties.map((p) => [code(p.name) + (p.readonly ? ' (read-only)' : ''), code(p.type?.text), code(p.default), cell(p.description)]),
    ),
  );
  parts.push('### Methods\n');
  parts.push(
    table(
      ['Method', 'Returns', 'Description'],
      methods.map((m) => [
        code(`${m.name}(${(m.parameters ?? []).map((p) => `${p.name}${p.optional ? '?' : ''}: ${p.type?.text ?? 'unknown'}`).join(', ')})`),
        code(m.return?.type?.text ?? 'void'),
        cell(m.description),
      ]),
    ),
  );
  parts.push('### Events\n\nAll are `CustomEvent`s that bubble and are composed; each detail type is exported, and `HTMLElementEventMap` knows them.\n');
  parts.push(table(['Event', 'Type', 'Description'], (element.events ?? []).map((e) => [code(e.name), code(e.type?.text), cell(e.description)])));
  parts.push('### Slots\n');
  parts.push(table(['Slot', 'Description'], (element.slots ?? []).map((s) => [s.name ? code(s.name) : '(default)', cell(s.description)])));
  parts.push('### CSS parts\n\nStyle them from the page with `s3-upload::part(name)`.\n');
  parts.push(table(['Part', 'Description'], (element.cssParts ?? []).map((p) => [code(p.name), cell(p.description)])));
  parts.push('### CSS custom properties\n');
  parts.push(
    table(
      ['Property', 'Default', 'Description'],
      (element.cssProperties ?? []).map((p) => [code(p.name), code(p.default), cell(p.description)]),
    ),
  );
  parts.push('### Messages\n\nEvery user-visible string; override any of them with the `messages` property. `{placeholders}` are filled in.\n');
  parts.push(table(['Key', 'Default (English)', 'Note'], messages.map(([key, value, note]) => [code(key), cell(value), cell(note)])));
  parts.push(END);
  return parts.join('\n');
}

/** The whole doc with its generated part replaced. */
export function spliceReference(doc, reference) {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start === -1 || end === -1 || end < start) throw new Error(`docs/element.md lacks the generated-section markers`);
  return doc.slice(0, start) + reference + doc.slice(end + END.length);
}

export async function generate() {
  const manifest = JSON.parse(await readFile(MANIFEST, 'utf8'));
  const doc = await readFile(DOC, 'utf8');
  return { current: doc, expected: spliceReference(doc, renderReference(manifest)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { current, expected } = await generate();
  if (process.argv.includes('--check')) {
    if (current !== expected) {
      console.error('docs/element.md is out of date with packages/element/custom-elements.json: run `node docs/generate-element-docs.mjs`.');
      process.exit(1);
    }
    console.log('docs/element.md is up to date.');
  } else if (current !== expected) {
    await writeFile(DOC, expected);
    console.log('docs/element.md updated.');
  } else {
    console.log('docs/element.md is already up to date.');
  }
}
