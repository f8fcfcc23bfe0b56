#!/usr/bin/env node
// Bundles the Lambda handlers shipped inside the library (lib/runtime/*) into assets/<name>/index.js.
//
// The output must be byte-identical on every machine (it feeds asset hashes and users' snapshot
// tests): minified, no source maps, no legal comments, no absolute paths. Any esbuild warning
// fails the build. The AWS SDK v3 stays external: the Lambda Node runtime provides it.
//
// Usage: node scripts/bundle.mjs [--outdir <dir>]   (default outdir: assets)
// The default export is jest's globalSetup.
import { build, formatMessages } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** One line per handler: asset folder name → entry point. */
const BUNDLES = [
  { name: 'proxy', entry: 'lib/runtime/proxy/index.ts' },
  { name: 'authorizer', entry: 'lib/runtime/authorizer/index.ts' },
  // Loaded by the library at synth, never deployed: GatewayResponse.render() runs the proxy's own
  // renderer; Huawei definitions in YAML are read with the bundled `yaml` package (ISC, notice kept).
  { name: 'renderer', entry: 'lib/runtime/preview/index.ts' },
  { name: 'yaml', entry: 'lib/runtime/preview/yaml.ts', licenseOf: 'yaml' },
];

const COMMON = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['@aws-sdk/*'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  charset: 'ascii',
  write: false,
  logLevel: 'silent',
};

/** The license notice of a bundled third-party package, kept at the top of the bundle. */
function licenseBanner(pkg) {
  if (!pkg) { return {}; }
  const dir = path.join(root, 'node_modules', pkg);
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const text = readFileSync(path.join(dir, 'LICENSE'), 'utf8').trim().replace(/\*\//g, '* /');
  return { banner: { js: `/*! ${pkg} ${version}\n${text}\n*/` } };
}

async function bundleOne({ name, entry, licenseOf }, outDir) {
  const outfile = path.join(outDir, name, 'index.js');
  const result = await build({ ...COMMON, ...licenseBanner(licenseOf), entryPoints: [entry], outfile });
  if (result.warnings.length > 0) {
    const text = await formatMessages(result.warnings, { kind: 'warning', color: false });
    throw new Error(`esbuild warnings in ${entry} (warnings fail the build):\n${text.join('\n')}`);
  }
  const [file] = result.outputFiles;
  const code = file.text;
  // Determinism guard: a machine-specific path in the output would change the asset hash.
  if (code.includes(root) || code.includes(root.split(path.sep).join('/'))) {
    throw new Error(`${outfile} contains the absolute path ${root}: output would differ between machines`);
  }
  mkdirSync(path.resolve(root, outDir, name), { recursive: true });
  writeFileSync(path.resolve(root, outfile), file.contents);
  return { name, outfile, bytes: file.contents.length };
}

/** Builds every bundle; returns their sizes. Throws on any esbuild error or warning. */
export async function bundleAll({ quiet = false, outDir = 'assets' } = {}) {
  const results = [];
  for (const b of BUNDLES) {
    const r = await bundleOne(b, outDir);
    results.push(r);
    if (!quiet) { console.log(`${r.outfile}  ${(r.bytes / 1024).toFixed(1)} KiB (${r.bytes} bytes)`); }
  }
  return results;
}

/** jest globalSetup: tests always run the freshly built assets. */
export default async function globalSetup() {
  await bundleAll({ quiet: true });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const i = process.argv.indexOf('--outdir');
  bundleAll(i > 0 ? { outDir: process.argv[i + 1] } : {}).catch(err => {
    console.error(err.message ?? err);
    process.exit(1);
  });
}
