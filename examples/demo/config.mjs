/** The demo's signer profiles and token. Never use this token outside the demo. */
export const DEMO_TOKEN = 'demo-token-change-me-0123456789';

export const demoProfiles = {
  gallery: {
    keyTemplate: 'gallery/{user}/{yyyy}/{mm}/{uuid}/{filename}',
    accept: ['image/*'],
    minSize: 1,
    maxSize: '10MB',
    maxFiles: 20,
    metadata: ['alt'],
  },
  files: {
    keyTemplate: 'files/{user}/{uuid}/{filename}',
    accept: ['image/*', 'text/plain', 'application/pdf'],
    minSize: 1,
    maxSize: '50MB',
    maxFiles: 20,
  },
  forms: {
    keyTemplate: 'forms/{uuid}/{filename}',
    accept: ['image/*'],
    minSize: 1,
    maxSize: '10MB',
    form: true,
  },
};
