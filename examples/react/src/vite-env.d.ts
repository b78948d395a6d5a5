/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_SIGNER_URL?: string;
  readonly VITE_SIGNER_TOKEN?: string;
}
