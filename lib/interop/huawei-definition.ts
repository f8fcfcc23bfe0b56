import * as fs from 'fs';
import * as path from 'path';

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
   * @throws if the file cannot be read or is neither JSON nor YAML
   */
  public static fromFile(file: string): HuaweiDefinition {
    return HuaweiDefinition.parse(fs.readFileSync(file, 'utf8'), file);
  }

  /**
   * A definition given as text (JSON, or YAML unless it parses as JSON).
   *
   * @throws if the text is neither JSON nor YAML
   */
  public static fromString(text: string): HuaweiDefinition {
    return HuaweiDefinition.parse(text, 'the definition');
  }

  private static parse(text: string, source: string): HuaweiDefinition {
    const body = text.replace(/^\uFEFF/, '');
    let document: unknown;
    try {
      document = JSON.parse(body);
    } catch (jsonError) {
      if (/^\s*[{[]/.test(body)) {
        throw new Error(`${source} is not valid JSON: ${(jsonError as Error).message}`);
      }
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        document = (require(YAML_PARSER) as { parseYaml(t: string): unknown }).parseYaml(body);
      } catch (yamlError) {
        throw new Error(`${source} is neither JSON nor YAML: ${(yamlError as Error).message}`);
      }
    }
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      throw new Error(`${source} is not a Swagger 2.0 or OpenAPI 3.0 document (not an object)`);
    }
    const version = (document as Record<string, unknown>).swagger ?? (document as Record<string, unknown>).openapi;
    if (typeof version !== 'string' || !/^(2\.0|3\.0(\.\d+)?)$/.test(version)) {
      throw new Error(`${source} is not a Swagger 2.0 or OpenAPI 3.0 document (swagger/openapi: ${JSON.stringify(version)})`);
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
