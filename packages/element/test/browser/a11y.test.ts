import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, sendKeys } from '@web/test-runner-commands';
import '../../src/index.js';
import type { S3Upload } from '../../src/index.js';
import { completed, env, getObject, makeFile, plan, mount, unique, until, type Env } from './helpers.js';

let e: Env;

/** With image previews, so that every part is on screen. */
const mountWithPreview = (attrs: Record<string, string> = {}): Promise<S3Upload> => mount({ preview: true, ...attrs });

const $ = <T extends Element = HTMLElement>(el: S3Upload, selector: string): T => el.shadowRoot!.querySelector<T>(selector)!;
const $$ = (el: S3Upload, selector: string): Element[] => [...el.shadowRoot!.querySelectorAll(selector)];

/** Everything the live region said, in order. */
function listen(el: S3Upload): string[] {
  const said: string[] = [];
  const region = $(el, '[part=live]');
  new MutationObserver(() => {
    if (region.textContent) said.push(region.textContent);
  }).observe(region, { childList: true, characterData: true, subtree: true });
  return said;
}

describe('accessibility', () => {
  before(async () => {
    e = await env();
  });
  beforeEach(async () => {
    await plan('s3');
    await plan('signer');
  });
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  });

  it('is axe-clean in every state: empty, uploading, done, error, canceled', async () => {
    const el = await mountWithPreview();
    expect($(el, 'button[part=button]').textContent!.trim()).to.equal('Choose files');
    expect($(el, '[part=live]').getAttribute('aria-live')).to.equal('polite');
    await expect(el).to.be.accessible();

    await plan('s3', { rules: [{ method: 'POST', fault: { type: 'throttle', bytesPerSecond: 60_000 } }] });
    const name = unique('photo.png');
    const done = completed(el);
    await el.addFiles([makeFile(name, 150_000, 'image/png')]);
    await until(() => el.uploads[0]!.status === 'uploading', 'uploading');
    await el.updateComplete;
    const bar = $(el, '[role=progressbar]');
    expect(bar.getAttribute('aria-label')).to.equal(`Upload of ${name}`);
    expect([bar.getAttribute('aria-valuemin'), bar.getAttribute('aria-valuemax')]).to.deep.equal(['0', '100']);
    expect(Number(bar.getAttribute('aria-valuenow'))).to.be.within(0, 100);
    expect(bar.getAttribute('aria-valuetext')).to.match(/^\d+%, .+ of 146 KB$/);
    expect($(el, 'button[part=cancel]').getAttribute('aria-label')).to.equal(`Cancel ${name}`);
    expect($(el, 'img[part=preview]')).to.exist;
    await expect(el).to.be.accessible();

    await done;
    await el.updateComplete;
    expect($(el, '[role=progressbar]').getAttribute('aria-valuenow')).to.equal('100');
    expect($(el, '[role=progressbar]').getAttribute('aria-valuetext')).to.equal('100%, 146 KB of 146 KB');
    expect($(el, 'button[part=remove]').getAttribute('aria-label')).to.equal(`Remove ${name}`);
    await expect(el).to.be.accessible();

    await el.addFiles([new File([new Uint8Array(6 * 1024 * 1024)], 'huge.bin')]);
    await el.updateComplete;
    expect($$(el, 'li.error [part=state]')[0]!.textContent).to.equal('The file is larger than 5 MB.');
    await expect(el).to.be.accessible();

    await el.addFiles([new File(['x'], unique('c.txt'), { type: 'text/plain' })]);
    el.cancel();
    await el.updateComplete;
    expect($$(el, 'li.canceled')).to.have.length(1);
    await expect(el).to.be.accessible();

    // Dark mode and reduced motion.
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    expect(getComputedStyle(el).backgroundColor).to.equal('rgb(17, 24, 39)');
    expect(getComputedStyle($(el, '[part=bar]')).transitionDuration).to.equal('0s');
    await expect(el).to.be.accessible();
  });

  it('announces added, progress at coarse steps, finished and failed files politely', async () => {
    const el = await mountWithPreview();
    const said = listen(el);
    // Slow enough (a few MB at 2 MB/s) for the browser to report progress on the way.
    await plan('s3', { rules: [{ method: 'POST', fault: { type: 'throttle', bytesPerSecond: 2_000_000 } }] });
    const name = unique('big.bin');
    const done = completed(el, 60_000);
    await el.addFiles([makeFile(name, 4_000_000), new File([new Uint8Array(6 * 1024 * 1024)], 'huge.bin')]);
    await done;
    await until(() => said.some((s) => s.includes(`${name} uploaded`)), 'finished announced');
    const text = said.join(' | ');
    expect(text).to.contain(`${name} added`);
    expect(text).to.contain('huge.bin failed: The file is larger than 5 MB.');
    const steps = [...text.matchAll(new RegExp(`${name} (\\d+)%`, 'g'))].map((m) => Number(m[1]));
    expect(steps.length).to.be.at.least(1, `progress announced: ${text}`);
    for (const step of steps) expect([25, 50, 75]).to.include(step);
    expect(new Set(steps).size).to.equal(steps.length, 'each step once');
  });

  it('is fully keyboard operable: Tab to "Choose files", Enter opens the picker, files upload; Remove returns focus', async () => {
    const el = await mountWithPreview();
    const name = unique('typed.txt');
    await sendKeys({ press: 'Tab' });
    const choose = $<HTMLButtonElement>(el, 'button[part=button]');
    expect(el.shadowRoot!.activeElement).to.equal(choose);
    expect(choose.matches(':focus-visible')).to.equal(true);
    expect(getComputedStyle(choose).outlineStyle).to.equal('solid', 'visible focus');
    const done = completed(el);
    await executeServerCommand('s3u-chooser-arm');
    await sendKeys({ press: 'Enter' });
    await executeServerCommand('s3u-chooser-accept', { files: [{ name, text: 'chosen with the keyboard' }] });
    await done;
    const [up] = el.uploads;
    expect(up!.file.name).to.equal(name);
    expect(up!.status).to.equal('done');
    expect(new TextDecoder().decode((await getObject(up!.key!)).bytes)).to.equal('chosen with the keyboard');
    await el.updateComplete;

    await sendKeys({ press: 'Tab' });
    const remove = $<HTMLButtonElement>(el, 'button[part=remove]');
    expect(el.shadowRoot!.activeElement).to.equal(remove);
    expect(remove.getAttribute('aria-label')).to.equal(`Remove ${name}`);
    await sendKeys({ press: 'Space' });
    expect(el.uploads).to.deep.equal([]);
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(choose, 'focus goes back to the button');
  });

  it('takes files dropped on it or pasted into it', async () => {
    const el = await mountWithPreview({ auto: 'false' });
    const data = new DataTransfer();
    data.items.add(new File(['dropped'], 'dropped.txt', { type: 'text/plain' }));
    const over = new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true, composed: true });
    $(el, '[part~=dropzone]').dispatchEvent(over);
    expect(over.defaultPrevented).to.equal(true, 'accepts the drop');
    await el.updateComplete;
    expect($(el, '[part~=dropzone]').getAttribute('part')).to.equal('dropzone over');
    $(el, '[part~=dropzone]').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true, composed: true }));
    const paste = new DataTransfer();
    paste.items.add(new File(['pasted'], 'pasted.txt', { type: 'text/plain' }));
    $(el, 'button[part=button]').dispatchEvent(new ClipboardEvent('paste', { clipboardData: paste, bubbles: true, cancelable: true, composed: true }));
    await until(() => el.uploads.length === 2, 'both files added');
    expect(el.uploads.map((u) => u.file.name)).to.deep.equal(['dropped.txt', 'pasted.txt']);
    await el.updateComplete;
    expect($(el, '[part~=dropzone]').getAttribute('part')).to.equal('dropzone');
    el.disabled = true;
    await el.updateComplete;
    const ignored = new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true, composed: true });
    $(el, '[part~=dropzone]').dispatchEvent(ignored);
    expect(ignored.defaultPrevented).to.equal(false, 'disabled: no drop');
  });

  it('exposes parts and slots, and takes custom properties and messages', async () => {
    const el = await fixture<S3Upload>(html`
      <s3-upload signer=${e.signer} profile="docs" auto="false" style="--s3-upload-accent: rgb(1, 2, 3)">
        <span slot="dropzone">Drop your avatar</span>
        <em slot="empty">Nothing here</em>
      </s3-upload>
    `);
    expect(el.querySelector('[slot=dropzone]')!.assignedSlot!.name).to.equal('dropzone');
    expect(el.querySelector('[slot=empty]')!.assignedSlot!.name).to.equal('empty');
    expect(getComputedStyle($(el, 'button[part=button]')).backgroundColor).to.equal('rgb(1, 2, 3)');
    el.messages = { choose: 'Choisir des fichiers', removeLabel: 'Retirer {name}' };
    await el.addFiles([new File(['x'], 'x.txt')]);
    el.cancel();
    await el.updateComplete;
    expect($(el, 'button[part=button]').textContent!.trim()).to.equal('Choisir des fichiers');
    expect($(el, 'button[part=remove]').getAttribute('aria-label')).to.equal('Retirer x.txt');
    const parts = new Set($$(el, '[part]').flatMap((n) => n.getAttribute('part')!.split(' ')));
    for (const part of ['dropzone', 'button', 'list', 'item', 'canceled', 'name', 'size', 'progress', 'bar', 'state', 'retry', 'remove', 'live'])
      expect(parts, part).to.include(part);
  });
});
