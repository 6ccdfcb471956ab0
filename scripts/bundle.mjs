// Bundles the action (dist/index.js) and the CLI (dist/cli/index.js) with ncc, both at once (each
// ncc run uses one core). dist/ is committed: CI rebuilds it and fails when it differs
// (scripts/check-dist.sh).
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  ncc('src/index.ts', 'dist', ['--license', 'licenses.txt']),
  ncc('src/cli/index.ts', 'dist/cli'),
]);

// The shell parser of STW201 loads its CommonJS build and its WebAssembly from beside the bundle
// (src/workflow/shell.ts): ncc leaves a require through createRequire unbundled.
const require = createRequire(import.meta.url);
for (const file of [
  require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'),
  require.resolve('web-tree-sitter'), // its CommonJS build (the `require` condition)
]) {
  for (const dir of ['dist', 'dist/cli']) copyFileSync(file, `${dir}/${file.replace(/^.*\//, '')}`);
}

const cli = 'dist/cli/index.js';
const code = readFileSync(cli, 'utf8');
if (!code.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${code}`);
chmodSync(cli, 0o755);
