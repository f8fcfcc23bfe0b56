import { DefinitionFormat } from './definition-format';
import type { GroupModel } from './group-model';
import { huaweiDocument } from './huawei-export';
import { openApiDocument } from './openapi-export';

/** The group's definition document in `format`, as an object. */
export function definitionDocument(model: GroupModel, format: DefinitionFormat): Record<string, unknown> {
  switch (format) {
    case DefinitionFormat.HUAWEI: return huaweiDocument(model);
    case DefinitionFormat.OPENAPI: return openApiDocument(model);
    default: throw new Error(`unknown definition format ${JSON.stringify(format)}: allowed HUAWEI, OPENAPI`);
  }
}

/** The document as written: 2-space JSON with a final newline, the same bytes on every synth. */
export function definitionText(model: GroupModel, format: DefinitionFormat): string {
  return `${JSON.stringify(definitionDocument(model, format), null, 2)}\n`;
}
