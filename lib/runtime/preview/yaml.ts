/**
 * The YAML parser the library uses at synth to read Huawei definitions written in YAML
 * (assets/yaml/index.js): the `yaml` package, bundled so that the library keeps no runtime
 * dependency. YAML 1.2 core schema (JSON-compatible scalars), unique keys, no custom tags.
 */
import { parse } from 'yaml';

export function parseYaml(text: string): unknown {
  return parse(text, { schema: 'core', uniqueKeys: true, merge: false, maxAliasCount: 100, prettyErrors: true });
}
