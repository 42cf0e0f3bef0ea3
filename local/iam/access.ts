/**
 * Who makes a request to a local endpoint, and whether IAM would let them. Each local function signs
 * its requests with its own access key, `local-<function id>` (the local runtime sets it in the
 * function's environment, local/function-environments.ts), as a Lambda function signs with its
 * role's credentials; any other key is the account's operator (tests, tools, the runtime itself),
 * who may do anything, as an administrator may. A function's request is allowed only when its policy
 * in the synthesized template allows every action it needs on every resource (./policies.ts).
 *
 * Plain code: the DynamoDB thread uses it too.
 */
import { isAllowed, type LocalPolicies } from './policies';

/** What IAM checks for a request: each action it needs, on which resource. */
export interface AccessRequest {
  readonly action: string;
  readonly resource: string;
}

const KEY_PREFIX = 'local-';

/** The access key a function's requests are signed with. */
export function functionAccessKey(functionId: string): string {
  return `${KEY_PREFIX}${functionId}`;
}

/** The access key of a SigV4 `Authorization` header (`Credential=<key>/<date>/…`). */
export function accessKeyOf(authorization: string | string[] | undefined): string | undefined {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  return header?.match(/Credential=([^/,\s]+)\//)?.[1];
}

/** A refused request: what was refused, and the message AWS gives. */
export interface Refusal {
  readonly action: string;
  readonly resource: string;
  readonly message: string;
}

export interface AccessGuardOptions {
  readonly account: string;
  /** The local functions' name prefix (`optline-local`): roles and sessions are named after them. */
  readonly functionNamePrefix: string;
}

export class AccessGuard {
  constructor(
    private readonly policies: LocalPolicies,
    private readonly options: AccessGuardOptions,
  ) {}

  /** The function a request comes from, or undefined for the operator. */
  callerOf(authorization: string | string[] | undefined): string | undefined {
    const key = accessKeyOf(authorization);
    if (!key?.startsWith(KEY_PREFIX)) return undefined;
    const id = key.slice(KEY_PREFIX.length);
    if (!Object.hasOwn(this.policies, id)) throw new Error(`no policy for the local function ${id}`);
    return id;
  }

  /** The first request the function's policy does not allow, if any. */
  check(functionId: string, requests: readonly AccessRequest[]): Refusal | undefined {
    const statements = this.policies[functionId] ?? [];
    for (const { action, resource } of requests) {
      if (isAllowed(statements, action, resource)) continue;
      const name = `${this.options.functionNamePrefix}-${functionId}`;
      const denied = statements.some(
        (s) => s.effect === 'Deny' && isAllowed([{ ...s, effect: 'Allow' }], action, resource),
      );
      return {
        action,
        resource,
        message:
          `User: arn:aws:sts::${this.options.account}:assumed-role/${name}-role/${name} is not authorized ` +
          `to perform: ${action} on resource: ${resource} ` +
          (denied
            ? 'with an explicit deny in an identity-based policy'
            : `because no identity-based policy allows the ${action} action`),
      };
    }
    return undefined;
  }
}
