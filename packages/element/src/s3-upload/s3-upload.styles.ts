import { css } from 'lit';

// Public custom properties (--s3-upload-*) feed private ones (--_*), whose defaults switch in dark mode.
export const styles = css`
  :host {
    --_accent: var(--s3-upload-accent, #1d4ed8);
    --_bg: var(--s3-upload-bg, #fff);
    --_fg: var(--s3-upload-fg, #1f2937);
    --_muted: var(--s3-upload-muted, #4b5563);
    --_border: var(--s3-upload-border, #9ca3af);
    --_error: var(--s3-upload-error, #b91c1c);
    --_success: var(--s3-upload-success, #15803d);
    --_radius: var(--s3-upload-radius, 8px);
    --_gap: var(--s3-upload-gap, 0.75rem);
    display: block;
    color: var(--_fg);
    background: var(--_bg);
    font: var(--s3-upload-font, inherit);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--s3-upload-accent, #93c5fd);
      --_bg: var(--s3-upload-bg, #111827);
      --_fg: var(--s3-upload-fg, #f3f4f6);
      --_muted: var(--s3-upload-muted, #d1d5db);
      --_border: var(--s3-upload-border, #6b7280);
      --_error: var(--s3-upload-error, #fca5a5);
      --_success: var(--s3-upload-success, #86efac);
    }
  }
  :host([hidden]) {
    display: none;
  }
  :host([disabled]) {
    opacity: 0.6;
  }
  [part~='dropzone'],
  li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_gap);
    padding: var(--_gap);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  [part~='dropzone'] {
    justify-content: center;
    padding-block: calc(var(--_gap) * 2);
    border: 2px dashed var(--_border);
  }
  [part~='over'] {
    border-color: var(--_accent);
  }
  button {
    font: inherit;
    color: var(--_accent);
    background: none;
    border: 1px solid;
    border-radius: var(--_radius);
    padding-inline: 0.75em;
    cursor: pointer;
  }
  [part='button'] {
    color: var(--_bg);
    background: var(--_accent);
    border-color: var(--_accent);
  }
  :focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  ul {
    display: grid;
    gap: var(--_gap);
    margin: 0;
    margin-block-start: var(--_gap);
    padding: 0;
    list-style: none;
  }
  img {
    inline-size: 2.5rem;
    block-size: 2.5rem;
    object-fit: cover;
  }
  [part='name'] {
    flex: 1 1 6rem;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 600;
  }
  [part='size'],
  [part='state'],
  [part='empty'] {
    color: var(--_muted);
  }
  [part='state'],
  [part='progress'] {
    flex-basis: 100%;
  }
  [part='progress'] {
    block-size: 0.375rem;
    border-radius: 1rem;
    background: var(--_border);
    overflow: hidden;
  }
  [part='bar'] {
    block-size: 100%;
    background: var(--_accent);
    transition: inline-size 0.2s;
  }
  .done [part='bar'] {
    background: var(--_success);
  }
  .done [part='state'] {
    color: var(--_success);
  }
  .error [part='state'] {
    color: var(--_error);
  }
  [part='live'] {
    position: absolute;
    inline-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @media (prefers-reduced-motion: reduce) {
    [part='bar'] {
      transition: none;
    }
  }
`;
