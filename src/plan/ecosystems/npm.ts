/**
 * npm packages. A solved group installs with `npm ci` from the `package-lock.json` npm wrote when
 * it solved the group (kept as npm wrote it) and a `package.json` of the group's direct
 * requirements, into a project folder on PATH and NODE_PATH; an unsolved one globally by name.
 */
import { shellQuote } from '../../common/escape/shell.js';
import { copy, layersOf, line } from '../dockerfile-lines.js';
import type { Installer } from './installer.js';

/** Where a locked group's npm packages are installed (`npm ci` needs a project folder). */
const NPM_DIR = '/opt/stowage-node';

/** `package.json` for `npm ci`: the group's direct npm requirements, as npm wrote them at resolve time. */
export function npmManifest(group: string, lockfile: string): string {
  const parsed = JSON.parse(lockfile) as {
    packages?: Record<string, { dependencies?: Record<string, string> }>;
  };
  const dependencies = parsed.packages?.['']?.dependencies ?? {};
  return `${JSON.stringify({ name: `stowage-${group}`, private: true, dependencies }, null, 2)}\n`;
}

export const npm: Installer = {
  ecosystems: ['npm'],
  helperApt: (family) => (family !== 'node' ? ['nodejs', 'npm'] : []),
  lockFiles(group, lock): Record<string, string> {
    if (lock.npmLockfile === undefined) return {};
    return {
      'package-lock.json': lock.npmLockfile,
      'package.json': npmManifest(group, lock.npmLockfile),
    };
  },
  install(group, locked) {
    if (locked.files.has('package-lock.json'))
      return [
        copy('package.json', `${NPM_DIR}/package.json`),
        copy('package-lock.json', `${NPM_DIR}/package-lock.json`),
        line(
          `RUN cd ${NPM_DIR} && npm ci --omit=dev --no-audit --no-fund && npm cache clean --force`,
        ),
        `ENV PATH=${NPM_DIR}/node_modules/.bin:$PATH NODE_PATH=${NPM_DIR}/node_modules`,
      ];
    return layersOf(group.packages, 'npm').map((layer) =>
      line(`RUN npm install -g ${layer.map(shellQuote).join(' ')} && npm cache clean --force`),
    );
  },
};
