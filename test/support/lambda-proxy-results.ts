/**
 * The AWS-recorded Lambda proxy results (test/fixtures/lambda-proxy-results, see its ORIGIN.md):
 * what a function returned and what API Gateway answered, read once for every suite that replays them.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface RecordedCase {
  readonly name: string;
  readonly result: unknown;
  /** `json`: the recorded body was JSON, compared parsed (the recording kept it parsed). */
  readonly expect: { readonly status: number; readonly body?: string; readonly json?: unknown; readonly headers?: Record<string, string> };
}

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'lambda-proxy-results', 'aws-recorded.json');

export const RECORDED_CASES: RecordedCase[] = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')).cases;
