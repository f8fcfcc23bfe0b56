import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, ISynthesisSession, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DeploymentReport, renderDeploymentReport } from './deployment-report';

/** `<stack artifact id>.<group name>.deployment-report.<ext>`: characters other than letters, digits, `-`, `_` and `.` become `_`. */
export function deploymentReportFileName(stackArtifactId: string, groupName: string, ext: 'json' | 'txt'): string {
  return `${stackArtifactId}.${groupName.replace(/[^A-Za-z0-9._-]/g, '_')}.deployment-report.${ext}`;
}

/**
 * Writes a group's deployment report into the cloud assembly, next to the stack's template: JSON
 * for tools and text for people (the main job prints it). Deterministic: the same app gives the
 * same files on any machine.
 */
export class DeploymentReportFiles extends Construct {
  constructor(scope: Construct, id: string, groupName: string, report: () => DeploymentReport | undefined) {
    super(scope, id);
    attachCustomSynthesis(this, {
      onSynthesize: (session: ISynthesisSession) => {
        const found = report();
        if (!found) { return; }
        const stack = Stack.of(this);
        fs.writeFileSync(path.join(session.outdir, deploymentReportFileName(stack.artifactId, groupName, 'json')),
          JSON.stringify(found, null, 2) + '\n');
        fs.writeFileSync(path.join(session.outdir, deploymentReportFileName(stack.artifactId, groupName, 'txt')),
          renderDeploymentReport(found));
      },
    });
  }
}
