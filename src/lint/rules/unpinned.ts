/**
 * STW402 unpinned: a package or runtime without an exact version. Unpinned software changes
 * whenever an image is rebuilt, and the content hash cannot notice.
 */
import { ECOSYSTEMS, parseRequirement } from '../../software/requirements.js';
import { defineRule } from '../rule.js';

/** Runtimes pinned enough at `major.minor` (Java releases are numbered by major alone). */
const RUNTIMES = [
  { key: 'python', exact: /^\d+\.\d+(\.\d+)?$/, example: '"3.12"' },
  { key: 'r', exact: /^\d+\.\d+(\.\d+)?$/, example: '"4.4.1"' },
  { key: 'java', exact: /^\d+(\.\d+){0,2}$/, example: '"21"' },
] as const;

const EXAMPLES: Record<string, (name: string) => string> = {
  pip: (n) => `${n}==<version>`,
  conda: (n) => `${n}=<version>`,
  cran: (n) => `${n}==<version>`,
  bioconductor: (n) => `${n}==<version>`,
  maven: (n) => `${n}:<version>`,
  apt: (n) => `${n}=<debian version>`,
  npm: (n) => `${n}@<version>`,
};

export default defineRule('STW402', (ctx) => {
  for (const step of ctx.workflow.steps) {
    for (const { key, exact, example } of RUNTIMES) {
      const version = step.software[key];
      if (version === undefined || exact.test(version.trim())) continue;
      ctx.report(
        ['steps', step.id, 'software', key],
        `Step "${step.id}" asks for ${key} "${version}", which is not an exact version; ` +
          `the image would change as new releases appear. Pin it, e.g. ${key}: ${example}.`,
      );
    }
    for (const ecosystem of ECOSYSTEMS) {
      step.software[ecosystem].forEach((text, index) => {
        const parsed = parseRequirement(ecosystem, text);
        if (!parsed.ok || parsed.pinned) return; // invalid ones are STW410's
        const written = parsed.versioned ? ` (${text.trim()})` : '';
        const name =
          ecosystem === 'maven' ? text.trim().split(':').slice(0, 2).join(':') : parsed.name;
        ctx.report(
          ['steps', step.id, 'software', ecosystem, index],
          `${ecosystem} package "${name}" of step "${step.id}" has no exact version${written}; ` +
            `rebuilding the image could silently change it. Pin it, e.g. ${EXAMPLES[ecosystem]!(name)}.`,
        );
      });
    }
  }
});
