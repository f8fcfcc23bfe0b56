/**
 * The README shows `cdk-api-groups local --help` as a block: a user reads it there first, so it
 * must be exactly what the command prints (issue 14 items 8 and 21).
 */
import * as fs from 'fs';
import * as path from 'path';
import { USAGE } from '../../lib/local/cli';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The README's fenced blocks that start with the usage line. */
function helpBlocks(): string[] {
  return [...readme.matchAll(/^```[^\n]*\n(Usage: cdk-api-groups local [\s\S]*?)^```$/gm)].map(m => m[1]);
}

test('the README\'s help block is exactly what --help prints', () => {
  // why: the README's copy drifted (it lacked the export and diff commands, and new options would too)
  const blocks = helpBlocks();
  expect(blocks).toHaveLength(1);
  expect(blocks[0]).toBe(USAGE);
});

test('--help names every way to give a secret without the command line', () => {
  // why (issue 14 item 8): a command line is readable by every user of the machine
  for (const option of ['--app-codes-file', 'CDK_API_GROUPS_APP_CODES', '--app-secrets-file', 'CDK_API_GROUPS_APP_SECRETS',
    '--iam-credentials-file', 'CDK_API_GROUPS_IAM_CREDENTIALS']) {
    expect(USAGE).toContain(option);
  }
});
