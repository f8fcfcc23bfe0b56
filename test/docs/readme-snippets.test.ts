/**
 * Every TypeScript block of the README must compile against the library as it is: a user copies
 * them first. A block continues the README's story, so it may use what an earlier block imported or
 * defined (`app`, `stack`, `group`); anything else it must declare or import itself.
 * The blocks are type-checked in memory (nothing is written where `tsc -p tsconfig.dev.json` looks).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

interface Snippet {
  /** Line of the README where the block's code starts. */
  readonly line: number;
  readonly code: string;
}

/** The README's ```ts blocks. */
function snippets(): Snippet[] {
  const found: Snippet[] = [];
  const lines = README.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i])) { continue; }
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end].startsWith('```')) { end++; }
    found.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return found;
}

/**
 * The block as a module: the blocks before it (the story so far, as a user pastes them one after
 * the other into one file), then the block. Only the block's own lines are checked in it.
 */
function moduleOf(blocks: Snippet[], index: number): { text: string; preludeLines: number } {
  const before = blocks.slice(0, index).map(b => b.code).join('\n');
  const preludeLines = index === 0 ? 0 : before.split('\n').length;
  return { text: index === 0 ? `${blocks[0].code}\n` : `${before}\n${blocks[index].code}\n`, preludeLines };
}

interface Checked {
  readonly snippet: Snippet;
  readonly errors: string[];
}

/** Type-checks every block with the project's compiler options, in one program. */
function typeCheck(blocks: Snippet[]): Checked[] {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.dev.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  // A snippet may import a name it does not use in its fragment.
  const options: ts.CompilerOptions = { ...parsed.options, noUnusedLocals: false, noEmit: true };
  const files = new Map(blocks.map((snippet, i) => [path.join(ROOT, 'test', 'docs', `readme-snippet-${i + 1}.ts`), { snippet, ...moduleOf(blocks, i) }]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => {
    const file = files.get(path.resolve(name));
    return file ? ts.createSourceFile(name, file.text, version, true) : getSourceFile(name, version, onError, create);
  };
  host.fileExists = name => files.has(path.resolve(name)) || fileExists(name);
  host.readFile = name => files.get(path.resolve(name))?.text ?? readFile(name);
  const program = ts.createProgram([...files.keys()], options, host);
  return [...files.entries()].map(([name, file]) => {
    const source = program.getSourceFile(name)!;
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    const errors = diagnostics
      .map(d => ({ d, line: d.start !== undefined ? source.getLineAndCharacterOfPosition(d.start).line - file.preludeLines : 0 }))
      .filter(({ line }) => line >= 0) // earlier blocks are checked in their own module
      .map(({ d, line }) => `README.md:${file.snippet.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    return { snippet: file.snippet, errors };
  });
}

const BLOCKS = snippets();
let checked: Checked[];
beforeAll(() => {
  checked = typeCheck(BLOCKS);
}, 120_000);

test('the README has TypeScript blocks, the first one complete on its own', () => {
  // The first block is a whole app: it must define what the others continue from.
  expect(BLOCKS.length).toBeGreaterThanOrEqual(4);
  for (const name of ['app', 'stack', 'group']) { expect(BLOCKS[0].code).toMatch(new RegExp(`^const ${name} = new `, 'm')); }
});

test.each(BLOCKS.map(b => [b.line, b] as const))('the block at README.md line %i compiles', (_line, block) => {
  expect(checked.find(c => c.snippet === block)!.errors).toEqual([]);
});
