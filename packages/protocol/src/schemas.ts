import Type, { type Static } from 'typebox';

export const API_VERSION = 'v1';

/** Upper bounds that keep every request small and every policy within S3's own limits. */
export const LIMITS = {
  nameMaxLength: 8192,
  typeMaxLength: 255,
  metadataKeyMaxLength: 128,
  metadataValueMaxLength: 2048,
  metadataMaxEntries: 32,
  profileNameMaxLength: 128,
  filesHardMax: 1000,
  redirectMaxLength: 2048,
} as const;

export const FILE_ERROR_CODES = [
  'type_not_allowed',
  'too_large',
  'too_small',
  'bad_name',
  'metadata_not_allowed',
] as const;
export type FileErrorCode = (typeof FILE_ERROR_CODES)[number];

export const REQUEST_ERROR_CODES = [
  'bad_request',
  'too_many_files',
  'payload_too_large',
  'unsupported_media_type',
  'unauthorized',
  'forbidden',
  'profile_not_found',
  'form_not_allowed',
  'type_required',
  'not_found',
  'method_not_allowed',
  'rate_limited',
  'not_ready',
  'internal',
] as const;
export type RequestErrorCode = (typeof REQUEST_ERROR_CODES)[number];

const ProfileName = Type.String({ minLength: 1, maxLength: LIMITS.profileNameMaxLength, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' });

export const ErrorBody = Type.Object(
  { code: Type.String(), message: Type.String() },
  { additionalProperties: false },
);
export type ErrorBody = Static<typeof ErrorBody>;

export const ErrorResponse = Type.Object({ error: ErrorBody }, { additionalProperties: false });
export type ErrorResponse = Static<typeof ErrorResponse>;

export const Metadata = Type.Record(
  Type.String({ minLength: 1, maxLength: LIMITS.metadataKeyMaxLength }),
  Type.String({ maxLength: LIMITS.metadataValueMaxLength }),
  { maxProperties: LIMITS.metadataMaxEntries },
);
export type Metadata = Static<typeof Metadata>;

export const FileRequest = Type.Object(
  {
    name: Type.String({ maxLength: LIMITS.nameMaxLength }),
    type: Type.String({ maxLength: LIMITS.typeMaxLength }),
    size: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);
export type FileRequest = Static<typeof FileRequest>;

export const SignRequest = Type.Object(
  {
    profile: Type.Optional(ProfileName),
    files: Type.Array(FileRequest, { minItems: 1, maxItems: LIMITS.filesHardMax }),
  },
  { additionalProperties: false },
);
export type SignRequest = Static<typeof SignRequest>;

export const SignedUpload = Type.Object(
  {
    url: Type.String(),
    fields: Type.Record(Type.String(), Type.String()),
    key: Type.String(),
    bucket: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
    /** Seconds the policy is valid from signing: lets a client with a skewed clock time its expiry. */
    expiresIn: Type.Integer({ minimum: 1 }),
    maxSize: Type.Integer(),
  },
  { additionalProperties: false },
);
export type SignedUpload = Static<typeof SignedUpload>;

export const FileError = Type.Object({ error: ErrorBody }, { additionalProperties: false });
export type FileError = Static<typeof FileError>;

export const UploadEntry = Type.Union([SignedUpload, FileError]);
export type UploadEntry = Static<typeof UploadEntry>;

export const SignResponse = Type.Object({ uploads: Type.Array(UploadEntry) }, { additionalProperties: false });
export type SignResponse = Static<typeof SignResponse>;

export const ProfileInfo = Type.Object(
  {
    name: Type.String(),
    accept: Type.Array(Type.String()),
    minSize: Type.Integer(),
    maxSize: Type.Integer(),
    maxFiles: Type.Integer(),
    metadata: Type.Array(Type.String()),
    expiresIn: Type.Integer(),
    form: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ProfileInfo = Static<typeof ProfileInfo>;

export const ProfileParams = Type.Object({ name: Type.String({ maxLength: LIMITS.profileNameMaxLength }) });
export type ProfileParams = Static<typeof ProfileParams>;

export const ProfileList = Type.Object(
  { defaultProfile: Type.Union([Type.String(), Type.Null()]), profiles: Type.Array(ProfileInfo) },
  { additionalProperties: false },
);
export type ProfileList = Static<typeof ProfileList>;

export const FormRequest = Type.Object(
  {
    profile: Type.Optional(ProfileName),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.typeMaxLength })),
    redirect: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.redirectMaxLength })),
  },
  { additionalProperties: false },
);
export type FormRequest = Static<typeof FormRequest>;

export const FormResponse = Type.Object(
  {
    url: Type.String(),
    fields: Type.Record(Type.String(), Type.String()),
    bucket: Type.String(),
    prefix: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
    minSize: Type.Integer(),
    maxSize: Type.Integer(),
    contentType: Type.Object(
      { eq: Type.Optional(Type.String()), startsWith: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type FormResponse = Static<typeof FormResponse>;

export const HealthResponse = Type.Object({ status: Type.String() }, { additionalProperties: false });
export type HealthResponse = Static<typeof HealthResponse>;
