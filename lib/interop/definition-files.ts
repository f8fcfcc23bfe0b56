import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, ISynthesisSession, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DefinitionFormat } from './definition-format';
import { definitionText } from './export-definition';
import type { GroupModel } from './group-model';

/** Suffix of each exported document's file in the cloud assembly. */
export const DEFINITION_FILE_SUFFIX: Record<DefinitionFormat, string> = {
  [DefinitionFormat.HUAWEI]: 'huawei.json',
  [DefinitionFormat.OPENAPI]: 'openapi.json',
};

/** `<stack artifact id>.<group name>.<suffix>`: characters other than letters, digits, `-`, `_` and `.` become `_`. */
export function definitionFileName(stackArtifactId: string, groupName: string, format: DefinitionFormat): string {
  return `${stackArtifactId}.${groupName.replace(/[^A-Za-z0-9._-]/g, '_')}.${DEFINITION_FILE_SUFFIX[format]}`;
}

/**
 * Writes the group's Huawei and OpenAPI documents into the cloud assembly, next to the stack's
 * template, whatever the stack's synthesizer: a construct of its own with a custom synthesis step,
 * run after the group is complete.
 */
export class DefinitionFiles extends Construct {
  constructor(scope: Construct, id: string, model: () => GroupModel) {
    super(scope, id);
    attachCustomSynthesis(this, {
      onSynthesize: (session: ISynthesisSession) => {
        const m = model();
        const stack = Stack.of(m.group);
        for (const format of [DefinitionFormat.HUAWEI, DefinitionFormat.OPENAPI]) {
          const file = path.join(session.outdir, definitionFileName(stack.artifactId, m.group.groupName, format));
          fs.writeFileSync(file, definitionText(m, format));
        }
      },
    });
  }
}
