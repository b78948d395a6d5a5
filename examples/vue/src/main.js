import { createApp } from 'vue';
// Importing the package defines <s3-upload> (Lit is bundled into the app by Vite).
import '@s3-upload/element';
import App from './App.vue';

createApp(App).mount('#app');
