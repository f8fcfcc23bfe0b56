/** Deploy-time values of the configuration document (DeployTimeString), read from the environment. */
import { DeployTimeString } from '../../private/config-document';
import { isRecord } from '../proxy/types';

/**
 * `{ env: NAME }` → process.env[NAME]; a plain string as is.
 *
 * @throws Error when the variable is unset or the value is neither form
 */
export function resolveDeployTime(value: DeployTimeString, env: NodeJS.ProcessEnv, what: string): string {
  if (typeof value === 'string') { return value; }
  if (isRecord(value) && typeof value.env === 'string') {
    const resolved = env[value.env];
    if (resolved === undefined || resolved === '') { throw new Error(`${what}: environment variable ${value.env} is not set`); }
    return resolved;
  }
  throw new Error(`${what} is neither a string nor an {env} reference`);
}
