import { expect, fixture, html } from '@open-wc/testing';
import '../../src/index.js';
import type { S3Upload } from '../../src/index.js';
import { completed, env, makeFile, plan, unique, until, type Env } from './helpers.js';

let e: Env;

async function mountForm(required = true): Promise<{ form: HTMLFormElement; el: S3Upload; submits: FormData[] }> {
  const form = await fixture<HTMLFormElement>(html`
    <form>
      <fieldset>
        <input name="title" value="holiday" />
        <s3-upload name="files" ?required=${required} signer=${e.signer} profile="docs" multiple retry-delay="20"></s3-upload>
      </fieldset>
      <button>Send</button>
    </form>
  `);
  const el = form.querySelector('s3-upload')!;
  el.headers = { authorization: `Bearer ${e.token}` };
  await el.updateComplete;
  const submits: FormData[] = [];
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submits.push(new FormData(form));
  });
  return { form, el, submits };
}

describe('form association', () => {
  before(async () => {
    e = await env();
  });
  beforeEach(async () => {
    await plan('s3');
    await plan('signer');
  });

  it('submits one value per uploaded key under its name; validity blocks an empty or half-done form', async () => {
    const { form, el, submits } = await mountForm();
    expect(el.form).to.equal(form);
    expect(form.checkValidity()).to.equal(false);
    expect(el.validity.valueMissing).to.equal(true);
    expect(el.validationMessage).to.equal('Please upload at least one file.');
    form.requestSubmit();
    expect(submits).to.have.length(0, 'required and empty: not sent');

    // Slow uploads, so the form is caught half done.
    await plan('s3', { rules: [{ method: 'POST', fault: { type: 'throttle', bytesPerSecond: 80_000 } }] });
    const done = completed(el);
    await el.addFiles([makeFile(unique('a.bin'), 1000), makeFile(unique('b.bin'), 120_000)]);
    await until(() => el.uploads.some((u) => u.status === 'done') && el.uploads.some((u) => u.status === 'uploading'), 'one done, one running');
    await el.updateComplete;
    expect(el.checkValidity()).to.equal(false);
    expect(el.validity.customError).to.equal(true);
    expect(el.validity.valueMissing).to.equal(false);
    expect(el.validationMessage).to.equal('Please wait until the uploads finish.');
    form.requestSubmit();
    expect(submits).to.have.length(0, 'half done: not sent');

    await done;
    await el.updateComplete;
    expect(form.checkValidity()).to.equal(true);
    expect(el.reportValidity()).to.equal(true);
    form.requestSubmit();
    expect(submits).to.have.length(1);
    const keys = el.uploads.map((u) => u.key);
    expect(keys.every((k) => typeof k === 'string' && k.startsWith('tests/tester/'))).to.equal(true);
    expect(submits[0]!.getAll('files')).to.deep.equal(keys);
    expect(submits[0]!.get('title')).to.equal('holiday');
  });

  it('leaves failed files out of the value, and form.reset() clears the list', async () => {
    const { form, el } = await mountForm();
    const done = completed(el);
    await el.addFiles([makeFile(unique('ok.txt'), 10, 'text/plain'), new File([new Uint8Array(6 * 1024 * 1024)], 'too-big.bin')]);
    await done;
    await el.updateComplete;
    expect(new FormData(form).getAll('files')).to.deep.equal([el.uploads[0]!.key]);
    form.reset();
    await el.updateComplete;
    expect(el.uploads).to.deep.equal([]);
    expect(new FormData(form).getAll('files')).to.deep.equal([]);
    expect(form.checkValidity()).to.equal(false, 'required again');
  });

  it('is valid empty when not required, and a disabled fieldset disables it', async () => {
    const { form, el } = await mountForm(false);
    expect(form.checkValidity()).to.equal(true);
    expect(new FormData(form).getAll('files')).to.deep.equal([]);
    form.querySelector('fieldset')!.disabled = true;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('button[part=button]')!.disabled).to.equal(true);
    expect(await el.addFiles([new File(['x'], 'x.txt')])).to.deep.equal([]);
    form.querySelector('fieldset')!.disabled = false;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('button[part=button]')!.disabled).to.equal(false);
    el.disabled = true;
    await el.updateComplete;
    expect(el.hasAttribute('disabled')).to.equal(true, 'reflected');
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('button[part=button]')!.disabled).to.equal(true);
  });
});
