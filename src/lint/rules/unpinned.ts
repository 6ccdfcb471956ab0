/**
 * STW402 unpinned: a package or runtime without an exact version. Unpinned software changes
 * whenever an image is rebuilt, and the content hash cannot notice.
 */
import { ECOSYSTEMS, parseRequirement } from '../../software/requirements.js';
import { defineRule } from '../rule.js';
import type { NodePath } from '../../workflow/model.js';

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

/** Steps that share one unpinned package at one place (an environment file many rules use). */
interface Shared {
  path: NodePath;
  ecosystem: string;
  name: string;
  written: string;
  /** The Snakemake wrapper whose environment the package comes from, when it does. */
  wrapper?: string;
  steps: string[];
}

export default defineRule('STW402', (ctx) => {
  const shared = new Map<string, Shared>();
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
        const path: NodePath = ['steps', step.id, 'software', ecosystem, index];
        const { file, span } = ctx.workflow.source.locate(path);
        // One finding per place: an environment file's line that ten rules use is one fix.
        const at = `${file}:${span.line}:${span.column}:${ecosystem}:${text.trim()}`;
        const seen = shared.get(at);
        if (seen) {
          if (!seen.steps.includes(step.id)) seen.steps.push(step.id);
          return;
        }
        const name =
          ecosystem === 'maven' ? text.trim().split(':').slice(0, 2).join(':') : parsed.name;
        const written = parsed.versioned ? ` (${text.trim()})` : '';
        // A Snakemake wrapper's environment is not the user's to pin.
        const wrapper = step.softwareFrom?.kind === 'wrapper' ? step.softwareFrom.name : undefined;
        shared.set(at, { path, ecosystem, name, written, wrapper, steps: [step.id] });
      });
    }
  }
  for (const { path, ecosystem, name, written, wrapper, steps } of shared.values()) {
    const users =
      steps.length === 1
        ? `step "${steps[0]}"`
        : `steps ${steps
            .slice(0, 3)
            .map((s) => `"${s}"`)
            .join(', ')}${steps.length > 3 ? ` and ${steps.length - 3} more` : ''}`;
    // The wrapper's environment is upstream code: the lint engine says whose it is and how to
    // take its fix (lint/upstream.ts); a pin to write here would be lost.
    const fix = wrapper ? '' : ` Pin it, e.g. ${EXAMPLES[ecosystem]!(name)}.`;
    ctx.report(
      path,
      `${ecosystem} package "${name}" of ${users} has no exact version${written}; ` +
        `rebuilding the image could silently change it.${fix}`,
    );
  }
});
