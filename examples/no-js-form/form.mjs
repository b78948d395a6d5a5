// The seed article's scenario: a plain HTML form, no JavaScript in the page. The server asks the signer
// for a form policy (POST /v1/form, with its own token, server-side), renders every signed field as a
// hidden input and the file input last, and the browser posts the file straight to S3. S3 then sends
// the browser to `success_action_redirect` with ?bucket=..&key=..&etag=.. appended.

/** The common types offered when the policy binds Content-Type with `starts-with` (e.g. "image/"). */
export const COMMON_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/svg+xml',
  'text/plain',
  'text/csv',
  'application/pdf',
  'application/zip',
  'video/mp4',
  'audio/mpeg',
];

/** HTML-escapes text and attribute values. */
export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/**
 * Asks the signer for a form policy. `redirect` must be on one of the signer's allowed origins.
 * Resolves with the /v1/form response: { url, fields, bucket, prefix, expiresAt, minSize, maxSize, contentType }.
 */
export async function requestFormPolicy({ signerUrl, token, profile, type, redirect, fetchImpl = fetch }) {
  const response = await fetchImpl(new URL('/v1/form', signerUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ ...(profile && { profile }), ...(type && { type }), ...(redirect && { redirect }) }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body?.error?.message ?? `The signer answered ${response.status}.`);
    error.status = response.status;
    error.code = body?.error?.code ?? 'signer_error';
    throw error;
  }
  return body;
}

function formatBytes(bytes) {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * The form itself, shaped like the seed article's: action = the bucket URL, multipart, every signed
 * field as a hidden input, a Content-Type chooser when the policy leaves a family open, the file last.
 */
export function renderUploadForm(signed, { submitLabel = 'Upload to Amazon S3', types = COMMON_TYPES } = {}) {
  const lines = [`<form action="${escapeHtml(signed.url)}" method="post" enctype="multipart/form-data" class="s3-form">`];
  for (const [name, value] of Object.entries(signed.fields)) {
    lines.push(`  <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}" />`);
  }
  const { contentType } = signed;
  if (contentType && typeof contentType.startsWith === 'string') {
    const prefix = contentType.startsWith;
    const offered = types.filter((type) => type.startsWith(prefix));
    if (prefix !== '' && offered.length > 0) {
      lines.push('  <label>Content-Type:');
      lines.push('    <select name="Content-Type" required>');
      for (const type of offered) lines.push(`      <option value="${escapeHtml(type)}">${escapeHtml(type)}</option>`);
      lines.push('    </select>');
      lines.push('  </label><br />');
    } else {
      lines.push(`  <label>Content-Type: <input type="text" name="Content-Type" required value="${escapeHtml(prefix)}" list="s3-types" /></label><br />`);
      lines.push(`  <datalist id="s3-types">${types.map((t) => `<option value="${escapeHtml(t)}">`).join('')}</datalist>`);
    }
  } else if (contentType?.eq) {
    lines.push(`  <p>Content-Type: <code>${escapeHtml(contentType.eq)}</code></p>`);
  }
  lines.push(`  <p class="hint">Up to ${escapeHtml(formatBytes(signed.maxSize))}. This form expires at ${escapeHtml(signed.expiresAt)}; reload the page for a fresh one.</p>`);
  lines.push('  <label>File: <input type="file" name="file" required /></label><br />');
  lines.push('  <!-- S3 ignores every field after the file -->');
  lines.push(`  <input type="submit" name="submit" value="${escapeHtml(submitLabel)}" />`);
  lines.push('</form>');
  return lines.join('\n');
}

/** The fields S3 appends to `success_action_redirect`: bucket, key and etag. */
export function receivedFromQuery(searchParams) {
  return {
    bucket: searchParams.get('bucket') ?? '',
    key: searchParams.get('key') ?? '',
    etag: searchParams.get('etag') ?? '',
  };
}

/** A whole page around the form (no script tags anywhere). */
export function renderFormPage(signed, { title = 'Upload a file (no JavaScript)', intro = '' } = {}) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${escapeHtml(title)}</title>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${intro}
${renderUploadForm(signed)}
</body>
</html>
`;
}
