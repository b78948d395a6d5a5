import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The app calls the signer on its own origin (/v1/...), and Vite forwards those calls to the signer:
// no CORS set-up is needed for the signer while developing. SIGNER_URL defaults to `pnpm start`'s.
const signer = process.env.SIGNER_URL ?? 'http://127.0.0.1:8787';
const proxy = { '/v1': { target: signer, changeOrigin: true } };

export default defineConfig({
  plugins: [
    vue({
      // <s3-upload> is a custom element, not a Vue component.
      template: { compilerOptions: { isCustomElement: (tag) => tag === 's3-upload' } },
    }),
  ],
  server: { host: '127.0.0.1', port: 5174, proxy },
  preview: { host: '127.0.0.1', port: 4174, proxy },
});
