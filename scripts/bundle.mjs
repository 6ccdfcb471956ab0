// Bundles the action (dist/index.js) and the CLI (dist/cli/index.js) with ncc, from one entry
// (src/bundle.ts, dist/stowage.js) so they share their chunks. dist/ is committed: CI rebuilds it
// and fails when it differs (scripts/check-dist.sh).
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const ncc = (entry, out, extra = []) =>
  new Promise((resolve, reject) => {
    const child = spawn(
      'npx',
      ['ncc', 'build', entry, '-o', out, '--quiet', '--transpile-only', ...extra],
      {
        stdio: 'inherit',
      },
    );
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`ncc ${entry} exited with ${code}`)),
    );
  });

// The spec's validator is compiled ahead of time (a run would spend ~150 ms compiling it).
const schemaValidator = spawn(process.execPath, ['scripts/schema-validator.mjs'], {
  stdio: 'inherit',
});
await new Promise((resolve, reject) =>
  schemaValidator.on('exit', (code) =>
    code === 0 ? resolve() : reject(new Error(`schema-validator exited with ${code}`)),
  ),
);

rmSync('dist', { recursive: true, force: true });
// One build for both entry points, so the chunks (rattler's 4 MB, the lazily loaded stages) and the
// WebAssembly files are in dist/ once; ncc names its output index.js: it becomes stowage.js.
await ncc('src/bundle.ts', 'dist', ['--license', 'licenses.txt']);
renameSync('dist/index.js', 'dist/stowage.js');
writeFileSync(
  'dist/index.js',
  "// The action, as action.yml runs it.\nimport { runAction } from './stowage.js';\n\nrunAction();\n",
);
mkdirSync('dist/cli');
writeFileSync(
  'dist/cli/index.js',
  "#!/usr/bin/env node\n// The stowage command (package.json bin).\nimport { runCli } from '../stowage.js';\n\nrunCli();\n",
);
chmodSync('dist/cli/index.js', 0o755);

// The shell parser loads its CommonJS build and its WebAssembly from beside the bundle
// (src/workflow/shell.ts): ncc leaves a require through createRequire unbundled.
const require = createRequire(import.meta.url);
for (const file of [
  require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'),
  require.resolve('web-tree-sitter'), // its CommonJS build (the `require` condition)
])
  copyFileSync(file, `dist/${file.replace(/^.*\//, '')}`);
