/**
 * Findings inside code the workflow's user does not own — a module installed from nf-core/modules,
 * the environment of a Snakemake wrapper — are the upstream's: a change there is lost at the next
 * update. Such a finding says whose it is and how to take the upstream's fix (the version to
 * update to, where the import knows one), and a warning becomes a notice. Errors stay errors
 * (the plan cannot go on either way); what the importer says about reading the files (STW420,
 * STW421) is about Stowage's reading, not the upstream's code, and is left as it is.
 */
import type { Finding } from '../common/findings.js';
import { ruleById } from '../common/rules.js';
import type { UpstreamCode } from '../workflow/model.js';

export function attributeUpstream(
  findings: readonly Finding[],
  upstream: readonly UpstreamCode[] | undefined,
): Finding[] {
  if (!upstream || upstream.length === 0) return [...findings];
  return findings.map((f) => {
    const owner = ruleById(f.rule)?.owner;
    if (owner === 'importer' || /^STW00\d$/.test(f.rule)) return f;
    const code = upstream.find((u) => inside(f, u));
    if (!code) return f;
    return {
      ...f,
      severity: f.severity === 'warning' ? 'notice' : f.severity,
      message: `In ${code.name} (upstream, not this repository's code): ${f.message} ${code.update}`,
    };
  });
}

function inside(f: Finding, code: UpstreamCode): boolean {
  if (code.folder !== undefined && f.file.startsWith(code.folder)) return true;
  return (code.at ?? []).some(
    (at) => at.file === f.file && f.span.line >= at.span.line && f.span.line <= at.span.endLine,
  );
}
