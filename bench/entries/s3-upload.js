import '../../packages/element/dist/s3-upload.bundle.js'; document.body.appendChild(document.createElement('s3-upload')).setAttribute('signer', '/v1/sign');
