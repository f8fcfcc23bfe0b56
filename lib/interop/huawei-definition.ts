import * as fs from 'fs';
import * as path from 'path';
import { ApiGroupValidationError } from '../errors';
import { MAX_DEFINITION_DEPTH, shapeProblem } from './definition-shape';
import { HUAWEI_IMPORT_RULE } from './huawei-import-rule';
import { firstDuplicateKey } from './json-duplicate-keys';

/** The bundled YAML parser (assets/yaml/index.js, the `yaml` package). */
const YAML_PARSER = path.join(__dirname, '..', '..', 'assets', 'yaml', 'index.js');

/**
 * A Huawei APIG API definition (an export of a Huawei group, or a document written for Huawei's
 * import): Swagger 2.0 or OpenAPI 3.0, in JSON or YAML. Import it with
 * `ApiGroup.importHuaweiDefinition()`.
 */
export class HuaweiDefinition {
  /**
   * Reads a definition file (JSON, or YAML unless it parses as JSON).
   *
   * @throws if the file cannot be read, or (rule `huawei-import`) is neither JSON nor YAML, nests
   * deeper than 128 levels, contains a cycle (YAML aliases) or gives a key twice in one object
   */
  public static fromFile(file: string): HuaweiDefinition {
    return HuaweiDefinition.parse(fs.readFileSync(file, 'utf8'), file);
  }

  /**
   * A definition given as text (JSON, or YAML unless it parses as JSON).
   *
   * @throws (rule `huawei-import`) if the text is neither JSON nor YAML, nests deeper than 128
   * levels, contains a cycle (YAML aliases) or gives a key twice in one object
   */
  public static fromString(text: string): HuaweiDefinition {
    return HuaweiDefinition.parse(text, 'the definition');
  }

  private static parse(text: string, source: string): HuaweiDefinition {
    // Every failure is a [huawei-import] problem: where it is (a JSON pointer when the document has one) and why.
    const refuse = (message: string, at?: string): never => {
      throw new ApiGroupValidationError(source, HUAWEI_IMPORT_RULE, `${at !== undefined ? `${at || '/'}: ` : ''}${message}`);
    };
    const body = text.replace(/^\uFEFF/, '');
    let document: unknown;
    let json = false;
    try {
      document = JSON.parse(body);
      json = true;
    } catch (jsonError) {
      if (/^\s*[{[]/.test(body)) {
        refuse(`not valid JSON: ${(jsonError as Error).message}`);
      }
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        document = (require(YAML_PARSER) as { parseYaml(t: string): unknown }).parseYaml(body);
      } catch (yamlError) {
        const deep = yamlError instanceof RangeError || /call stack/i.test((yamlError as Error).message);
        refuse(deep ? `neither JSON nor YAML: the YAML nests too deep to be read (a definition nests at most ${MAX_DEFINITION_DEPTH} levels): ` +
          `${(yamlError as Error).message.split('\n')[0]}` : `neither JSON nor YAML: ${(yamlError as Error).message}`);
      }
    }
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      refuse('not a Swagger 2.0 or OpenAPI 3.0 document (not an object)');
    }
    const shape = shapeProblem(document);
    if (shape) { refuse(shape.message, shape.pointer); }
    // JSON.parse keeps the last of duplicate keys; YAML refuses them (uniqueKeys): so does JSON here.
    const duplicate = json ? firstDuplicateKey(body) : undefined;
    if (duplicate) {
      refuse(`duplicate key ${JSON.stringify(duplicate.key)}: an object gives it twice, and readers disagree on which one counts`, duplicate.pointer);
    }
    const version = Object.prototype.hasOwnProperty.call(document, 'swagger') ? (document as Record<string, unknown>).swagger
      : Object.prototype.hasOwnProperty.call(document, 'openapi') ? (document as Record<string, unknown>).openapi : undefined;
    if (typeof version !== 'string' || !/^(2\.0|3\.0(\.\d+)?)$/.test(version)) {
      refuse(`not a Swagger 2.0 or OpenAPI 3.0 document (swagger/openapi: ${JSON.stringify(version)})`);
    }
    return new HuaweiDefinition(document as Record<string, unknown>, source);
  }

  /** Where the definition came from (a file path, or "the definition"). */
  public readonly source: string;

  private readonly document: Record<string, unknown>;

  private constructor(document: Record<string, unknown>, source: string) {
    this.document = document;
    this.source = source;
  }

  /** The parsed document, as JSON text. */
  public toJson(): string {
    return JSON.stringify(this.document);
  }

  /** @internal the parsed document (a deep copy) */
  public _document(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this.document));
  }
}
