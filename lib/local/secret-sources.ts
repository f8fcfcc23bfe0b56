/**
 * Secrets of `cdk-api-groups local` (AppCodes, AppSecrets, IAM credentials) may come from the
 * command line, from files or from an environment variable: the command line is visible to every
 * user of the machine (`ps`), a file or the environment is not. One rule for each of them: a flag
 * wins over a file, a file over the variable. Files and the variable hold one value a line; blank
 * lines and lines starting with `#` are ignored.
 */
import * as fs from 'fs';

/** Where one kind of secret may be given. */
export interface SecretSources {
  /** The flag, e.g. `--app-code`. */
  readonly flag: string;
  /** The flag's values, in command-line order. */
  readonly flagValues: readonly string[];
  /** The option naming a file, e.g. `--app-codes-file`. */
  readonly fileOption: string;
  /** The files given with it, in command-line order. */
  readonly files: readonly string[];
  /** The environment variable, e.g. `CDK_API_GROUPS_APP_CODES`. */
  readonly variable: string;
}

/** The values of one source (the variable, one file, or the flags), and how a message names it. */
export interface SecretSource {
  readonly where: string;
  readonly values: string[];
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).map(l => l.trim()).filter(l => l !== '' && !l.startsWith('#'));
}

/**
 * The sources that hold values, lowest precedence first: the variable, then each file, then the
 * flags. A later value for the same name wins.
 *
 * @param usageError makes the error thrown for a file that cannot be read
 */
export function secretSources(s: SecretSources, env: NodeJS.ProcessEnv, usageError: (message: string) => Error): SecretSource[] {
  const found: SecretSource[] = [];
  const variable = env[s.variable];
  if (variable) { found.push({ where: s.variable, values: lines(variable) }); }
  for (const file of s.files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw usageError(`${s.fileOption} ${file} cannot be read`);
    }
    found.push({ where: `${s.fileOption} ${file}`, values: lines(text) });
  }
  if (s.flagValues.length > 0) { found.push({ where: s.flag, values: [...s.flagValues] }); }
  return found.filter(f => f.values.length > 0);
}
