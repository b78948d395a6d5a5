import Type, { type Static } from 'typebox';

const Size = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 1 })], {
  description: 'bytes, or a string like "5MB"',
});

export const ProfileConfig = Type.Object(
  {
    keyTemplate: Type.String({ minLength: 1 }),
    accept: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    minSize: Type.Optional(Size),
    maxSize: Size,
    maxFiles: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    expiresIn: Type.Optional(Type.Integer({ minimum: 1, maximum: 604800 })),
    metadata: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }))),
    form: Type.Optional(Type.Boolean()),
    allowOverwrite: Type.Optional(Type.Boolean()),
    acl: Type.Optional(
      Type.Union([
        Type.Literal('private'),
        Type.Literal('public-read'),
        Type.Literal('authenticated-read'),
        Type.Literal('bucket-owner-read'),
        Type.Literal('bucket-owner-full-control'),
      ]),
    ),
    cacheControl: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    contentDisposition: Type.Optional(Type.Union([Type.Literal('inline'), Type.Literal('attachment')])),
    serverSideEncryption: Type.Optional(Type.Union([Type.Literal('AES256'), Type.Literal('aws:kms')])),
    storageClass: Type.Optional(Type.String({ pattern: '^[A-Z_]{1,32}$' })),
  },
  { additionalProperties: false },
);
export type ProfileConfig = Static<typeof ProfileConfig>;

const TokenEntry = Type.Object(
  {
    token: Type.String({ minLength: 16 }),
    subject: Type.Optional(Type.String({ minLength: 1 })),
    profiles: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

export const AuthConfig = Type.Union([
  Type.Object({ mode: Type.Literal('none'), public: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  Type.Object(
    { mode: Type.Literal('tokens'), tokens: Type.Array(TokenEntry, { minItems: 1 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      mode: Type.Literal('jwt'),
      secret: Type.Optional(Type.String({ minLength: 32 })),
      jwksUrl: Type.Optional(Type.String({ minLength: 1 })),
      issuer: Type.Optional(Type.String({ minLength: 1 })),
      audience: Type.Optional(Type.String({ minLength: 1 })),
      profilesClaim: Type.Optional(Type.String({ minLength: 1 })),
      clockTolerance: Type.Optional(Type.Integer({ minimum: 0, maximum: 300 })),
    },
    { additionalProperties: false },
  ),
]);
export type AuthConfig = Static<typeof AuthConfig>;

export const FileConfig = Type.Object(
  {
    s3: Type.Object(
      {
        bucket: Type.String({ minLength: 3, maxLength: 63 }),
        region: Type.Optional(Type.String({ minLength: 1 })),
        endpoint: Type.Optional(Type.String({ minLength: 1 })),
        forcePathStyle: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    cors: Type.Optional(
      Type.Object(
        {
          origins: Type.Array(Type.String({ minLength: 1 })),
          credentials: Type.Optional(Type.Boolean()),
          maxAge: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
    auth: AuthConfig,
    rateLimit: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(Type.Boolean()),
          max: Type.Optional(Type.Integer({ minimum: 1 })),
          timeWindow: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.String({ minLength: 1 })])),
          redis: Type.Optional(Type.String({ minLength: 1 })),
          onStoreError: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
        },
        { additionalProperties: false },
      ),
    ),
    server: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Type.String({ minLength: 1 })),
          port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
          bodyLimit: Type.Optional(Size),
          trustProxy: Type.Optional(Type.Boolean()),
          logLevel: Type.Optional(
            Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
          ),
          shutdownTimeout: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
    metrics: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(Type.Boolean()),
          port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
          host: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    defaultProfile: Type.Optional(Type.String({ minLength: 1 })),
    profiles: Type.Record(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$' }), ProfileConfig),
  },
  { additionalProperties: false },
);
export type FileConfig = Static<typeof FileConfig>;
