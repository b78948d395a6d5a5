import { expect } from '@open-wc/testing';
import { completed, env, getObject, unique, until } from './helpers.js';

// This page never imports the element's sources: only the built bundle defines it.
describe('the bundle (dist/s3-upload.bundle.js)', () => {
  it('defines <s3-upload> from a plain script tag and uploads', async () => {
    const e = await env();
    expect(customElements.get('s3-upload')).to.equal(undefined, 'not defined by this page');
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html>
      <html lang="en"><head><script type="module" src="/dist/s3-upload.bundle.js"></script></head>
      <body><s3-upload signer="${e.signer}" profile="docs"></s3-upload></body></html>`;
    document.body.append(frame);
    try {
      const win = (await until(
        () => frame.contentWindow?.customElements.get('s3-upload') && frame.contentWindow,
        'the bundle defines the element (run the build first)',
      )) as Window & typeof globalThis;
      const el = win.document.querySelector('s3-upload') as any;
      expect(el.shadowRoot.querySelector('button[part=button]').textContent.trim()).to.equal('Choose files');
      el.headers = { authorization: `Bearer ${e.token}` };
      const done = completed(el);
      const name = unique('from-bundle.txt');
      await el.addFiles([new win.File(['bundled'], name, { type: 'text/plain' })]);
      await done;
      expect(el.uploads[0].status).to.equal('done');
      expect(new TextDecoder().decode((await getObject(el.uploads[0].key)).bytes)).to.equal('bundled');
    } finally {
      frame.remove();
    }
  });
});
