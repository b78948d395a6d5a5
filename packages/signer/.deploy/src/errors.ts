import type { FileErrorCode, RequestErrorCode } from '@s3-upload/protocol';

/** An error the signer answers with: an HTTP status, a stable code and a message safe to show. */
export class SignerError extends Error {
  readonly statusCode: number;
  readonly code: RequestErrorCode | FileErrorCode;
  readonly headers: Readonly<Record<string, string>>;

  constructor(statusCode: number, code: RequestErrorCode | FileErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'SignerError';
    this.statusCode = statusCode;
    this.code = code;
    this.headers = headers;
  }
}

/** A problem with one file of a batch; the others in the batch are still signed. */
export interface FileProblem {
  code: FileErrorCode;
  message: string;
}

/** A configuration problem found at start-up, naming the field and the fix. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid s3-upload signer config:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
