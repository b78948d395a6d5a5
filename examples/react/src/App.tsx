import { useMemo, useRef, useState } from 'react';
import type { S3Upload, S3UploadErrorEvent, S3UploadProgressEvent, S3UploadSuccessEvent } from '@s3-upload/element';

// The signer: this app's own origin by default (Vite proxies /v1 to it), or VITE_SIGNER_URL.
const SIGNER = import.meta.env.VITE_SIGNER_URL || window.location.origin;
// How the element proves who is uploading. The demo signer takes a static token; a real app would return
// a short-lived JWT from its session (headers may also be an async function).
const TOKEN = import.meta.env.VITE_SIGNER_TOKEN || 'demo-token-change-me-0123456789';

interface Landed {
  key: string;
  name: string;
  etag: string;
}

export function App() {
  const uploader = useRef<S3Upload>(null);
  const [landed, setLanded] = useState<Landed[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const [percent, setPercent] = useState(0);
  const headers = useMemo(() => ({ Authorization: `Bearer ${TOKEN}` }), []);

  const onProgress = (event: S3UploadProgressEvent) => {
    const { totalLoaded, totalSize } = event.detail;
    setPercent(totalSize ? Math.round((totalLoaded / totalSize) * 100) : 0);
  };
  const onSuccess = (event: S3UploadSuccessEvent) => {
    const { key, etag, file } = event.detail;
    setLanded((list) => [...list, { key, etag, name: file.name }]);
  };
  const onError = (event: S3UploadErrorEvent) => {
    const { file, message } = event.detail;
    setErrors((list) => [...list, `${file.name}: ${message}`]);
  };

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '40rem', margin: '2rem auto', padding: '0 1rem' }}>
      <h1>React + &lt;s3-upload&gt;</h1>
      <s3-upload
        ref={uploader}
        signer={SIGNER}
        profile="files"
        multiple
        headers={headers}
        ons3-upload-progress={onProgress}
        ons3-upload-success={onSuccess}
        ons3-upload-error={onError}
      />
      <p>
        Total: <output id="total">{percent}%</output>{' '}
        <button type="button" onClick={() => uploader.current?.clear()}>
          Clear the list
        </button>
      </p>
      <h2>Uploaded</h2>
      <ul id="uploaded">
        {landed.map((item) => (
          <li key={item.key} data-key={item.key}>
            {item.name}: <code>{item.key}</code>
          </li>
        ))}
      </ul>
      {errors.length > 0 && (
        <ul id="errors" role="alert">
          {errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      )}
    </main>
  );
}
