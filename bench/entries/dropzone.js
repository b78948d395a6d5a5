import Dropzone from 'dropzone'; import 'dropzone/dist/dropzone.css'; new Dropzone(document.body.appendChild(document.createElement('form')), { url: '/upload' });
