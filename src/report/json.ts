/** Machine-readable findings: a stable JSON document for scripts and other tools. */
import { countBySeverity, type Finding } from '../common/findings.js';

export interface FindingsDocument {
  version: 1;
  counts: ReturnType<typeof countBySeverity>;
  findings: Finding[];
}

export function findingsDocument(findings: readonly Finding[]): FindingsDocument {
  return { version: 1, counts: countBySeverity(findings), findings: [...findings] };
}

export function formatJson(findings: readonly Finding[]): string {
  return `${JSON.stringify(findingsDocument(findings), null, 2)}\n`;
}
