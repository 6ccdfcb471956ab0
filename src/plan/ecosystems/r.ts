/**
 * R packages (`cran:`, `bioconductor:`): installed by name with Rscript — CRAN's
 * `install.packages`, `remotes::install_version` for a version, BiocManager for Bioconductor —
 * warnings turned into errors and every package checked to load. Not solved: the plan says so
 * per group (`resolution.nameLevel`).
 */
import { shellQuote } from '../../common/escape/shell.js';
import { byText, line } from '../dockerfile-lines.js';
import type { Family, PlannedPackage } from '../types.js';
import type { Installer } from './installer.js';

function rString(value: string): string {
  // Names and versions passed the R grammar ([A-Za-z0-9.], digits, `.`/`-`): no quotes inside.
  return JSON.stringify(value);
}

function rInstallLayers(family: Family, packages: readonly PlannedPackage[]): string[] {
  const out: string[] = [];
  const repos = family === 'r' ? '' : ', repos = "https://cloud.r-project.org"';
  const cran = packages.filter((p) => p.ecosystem === 'cran');
  const bioc = packages.filter((p) => p.ecosystem === 'bioconductor');
  const exprs: string[] = [];
  const plain = [...new Set(cran.filter((p) => !/[=<>]/.test(p.spec)).map((p) => p.name))].sort(
    byText,
  );
  const versioned = cran.filter((p) => /[=<>]/.test(p.spec)).sort((a, b) => byText(a.spec, b.spec));
  if (plain.length > 0) exprs.push(`install.packages(c(${plain.map(rString).join(', ')})${repos})`);
  if (versioned.length > 0) {
    exprs.push(
      `if (!requireNamespace("remotes", quietly = TRUE)) install.packages("remotes"${repos})`,
    );
    for (const p of versioned) {
      const m = /(==|>=)\s*(.+)$/.exec(p.spec);
      const version = m?.[1] === '>=' ? `>= ${m[2]}` : (m?.[2] ?? '');
      exprs.push(
        `remotes::install_version(${rString(p.name)}, version = ${rString(version)}, upgrade = "never"${repos})`,
      );
    }
  }
  if (bioc.length > 0) {
    const names = [...new Set(bioc.map((p) => p.name))].sort(byText);
    exprs.push(
      `if (!requireNamespace("BiocManager", quietly = TRUE)) install.packages("BiocManager"${repos})`,
    );
    exprs.push(
      `BiocManager::install(c(${names.map(rString).join(', ')}), update = FALSE, ask = FALSE)`,
    );
  }
  if (exprs.length > 0) {
    // R only warns when a package fails to install, and the image would build without it:
    // turn warnings into errors, and check that every package loads.
    const all = [...new Set([...cran, ...bioc].map((p) => p.name))].sort(byText);
    exprs.unshift('options(warn = 2)');
    exprs.push(
      `for (p in c(${all.map(rString).join(', ')})) if (!requireNamespace(p, quietly = TRUE)) stop("package ", p, " did not install")`,
    );
    out.push(
      line(
        `RUN Rscript ${exprs.map((e) => `-e ${shellQuote(e)}`).join(' ')} && rm -rf /tmp/downloaded_packages /tmp/Rtmp*`,
      ),
    );
  }
  return out;
}

export const r: Installer = {
  ecosystems: ['cran', 'bioconductor'],
  helperApt: (family) => (family !== 'r' && family !== 'conda' ? ['r-base-core'] : []),
  install: (group) => rInstallLayers(group.family, group.packages),
};
