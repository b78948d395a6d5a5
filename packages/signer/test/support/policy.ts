import { createHmac } from 'node:crypto';

export interface DecodedPolicy {
  expiration: string;
  conditions: Array<Record<string, string> | [string, string | number, string | number]>;
}

export function decodePolicy(fields: Record<string, string>): DecodedPolicy {
  return JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8')) as DecodedPolicy;
}

/** Recomputes a POST policy's SigV4 signature with node:crypto alone, independently of the SDK. */
export function expectedSignature(fields: Record<string, string>, secretAccessKey: string): string {
  const [, date, region, service] = fields['X-Amz-Credential']!.split('/');
  const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date!), region!), service!), 'aws4_request');
  return createHmac('sha256', signingKey).update(fields.Policy!).digest('hex');
}

/** The exact-match value a policy binds a field to, whichever form the condition takes. */
export function exactValue(policy: DecodedPolicy, field: string): string | undefined {
  for (const condition of policy.conditions) {
    if (Array.isArray(condition)) {
      if (condition[0] === 'eq' && String(condition[1]).toLowerCase() === `$${field.toLowerCase()}`) return String(condition[2]);
    } else if (field in condition) {
      return condition[field];
    }
  }
  return undefined;
}
