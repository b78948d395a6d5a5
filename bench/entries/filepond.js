import * as FilePond from 'filepond'; import 'filepond/dist/filepond.min.css'; FilePond.create(document.body.appendChild(document.createElement('input')), { server: '/upload' });
