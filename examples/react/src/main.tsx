import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Importing the package defines <s3-upload> (Lit is bundled into the app by Vite).
import '@s3-upload/element';
import { App } from './App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
