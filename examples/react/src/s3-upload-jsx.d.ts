// Typing <s3-upload> in JSX. React 19 passes props to custom elements as properties (when the element
// has one by that name) and turns `on<event-name>` props into listeners for that exact event name, so
// the element works directly; this declaration makes its props and events typed.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type {
  S3Upload,
  S3UploadCompleteEvent,
  S3UploadErrorEvent,
  S3UploadProgressEvent,
  S3UploadSelectEvent,
  S3UploadStartEvent,
  S3UploadSuccessEvent,
} from '@s3-upload/element';

/** The element's settable properties (attributes and rich properties such as `headers`). */
type S3UploadProperties = Partial<
  Pick<
    S3Upload,
    | 'signer'
    | 'profile'
    | 'accept'
    | 'maxSize'
    | 'maxFiles'
    | 'multiple'
    | 'concurrency'
    | 'retries'
    | 'auto'
    | 'disabled'
    | 'name'
    | 'required'
    | 'withCredentials'
    | 'preview'
    | 'headers'
    | 'metadata'
    | 'messages'
  >
>;

/** Its events, as React 19 names them for custom elements: `on` + the event's own name. */
interface S3UploadEventProps {
  'ons3-upload-select'?: (event: S3UploadSelectEvent) => void;
  'ons3-upload-start'?: (event: S3UploadStartEvent) => void;
  'ons3-upload-progress'?: (event: S3UploadProgressEvent) => void;
  'ons3-upload-success'?: (event: S3UploadSuccessEvent) => void;
  'ons3-upload-error'?: (event: S3UploadErrorEvent) => void;
  'ons3-upload-complete'?: (event: S3UploadCompleteEvent) => void;
}

export type S3UploadProps = Omit<DetailedHTMLProps<HTMLAttributes<S3Upload>, S3Upload>, keyof S3UploadProperties> &
  S3UploadProperties &
  S3UploadEventProps;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      's3-upload': S3UploadProps;
    }
  }
}
