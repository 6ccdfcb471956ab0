/**
 * Suppression comments: `# stowage-ignore STW202 -- reason` on a finding's line or on its own line
 * just above it, and `# stowage-ignore-file STW409 -- reason` at the top of a file. Several IDs
 * (or rule names) may be given, separated by commas. A suppression without a reason, naming an
 * unknown rule, misplaced, or matching no finding is itself reported (STW001, STW002).
 */
import type { Finding, Span } from '../common/findings.js';
import { splitLines } from '../workflow/source.js';
import { finding as ruleFinding, RULES, ruleByIdOrName } from '../common/rules.js';
import { didYouMean, SuggestionBudget } from '../common/suggest.js';

/** One rule named in a suppression comment. */
export interface SuppressedRule {
  /** The rule ID, or undefined when the name is unknown. */
  id?: string;
  /** As written. */
  written: string;
  span: Span;
}

export interface Suppression {
  file: string;
  scope: 'line' | 'file';
  /** The line whose findings it covers (line scope). */
  target: number;
  rules: SuppressedRule[];
  reason: string;
  /** The whole comment. */
  span: Span;
  /** False for a file suppression below the first content line: it is reported, not applied. */
  placed: boolean;
}

/** The rules a suppression may not silence: findings about suppressions themselves. */
const UNSUPPRESSIBLE = new Set(['STW001', 'STW002']);

const DIRECTIVE = /(^|\s)(#\s*stowage-ignore(-file)?)(?=\s|$)(.*)$/;

/** Every suppression comment of one file. */
export function parseSuppressions(file: string, text: string): Suppression[] {
  const lines = splitLines(text);
  const out: Suppression[] = [];
  let seenContent = false;
  lines.forEach((lineText, i) => {
    const line = i + 1;
    const content = lineText.trim();
    const match = DIRECTIVE.exec(lineText);
    const isCommentLine = content === '' || content.startsWith('#') || content === '---';
    if (match) {
      const start = match.index + match[1]!.length;
      const scope = match[3] ? 'file' : 'line';
      const body = match[4]!;
      const bodyStart = start + match[2]!.length;
      const separator = body.indexOf('--');
      const idsText = separator < 0 ? body : body.slice(0, separator);
      const reason = separator < 0 ? '' : body.slice(separator + 2).trim();
      const rules: SuppressedRule[] = [];
      for (const token of idsText.matchAll(/[^\s,]+/g)) {
        const at = bodyStart + token.index;
        rules.push({
          id: ruleByIdOrName(token[0])?.id,
          written: token[0],
          span: { line, column: at + 1, endLine: line, endColumn: at + 1 + token[0].length },
        });
      }
      const trailing = lineText.slice(0, start).trim() !== '';
      out.push({
        file,
        scope,
        target: scope === 'file' ? 0 : trailing ? line : nextContentLine(lines, i + 1),
        rules,
        reason,
        span: { line, column: start + 1, endLine: line, endColumn: lineText.trimEnd().length + 1 },
        placed: scope === 'line' || !seenContent,
      });
    }
    if (!isCommentLine) seenContent = true;
  });
  return out;
}

/** The first line from index `from` on (0-based) that is neither blank nor only a comment. */
function nextContentLine(lines: readonly string[], from: number): number {
  for (let i = from; i < lines.length; i += 1) {
    const content = lines[i]!.trim();
    if (content !== '' && !content.startsWith('#')) return i + 1;
  }
  return lines.length + 1;
}

export interface SuppressionResult {
  kept: Finding[];
  suppressed: Finding[];
  /** STW001/STW002 findings about the comments themselves, at default severity. */
  problems: Finding[];
}

const placeKey = (file: string, line: number | 'file', rule: string): string =>
  `${file}\u0000${line}\u0000${rule}`;

/**
 * The rules suppressions name, by the place they cover (a file, or a line of it) and the rule:
 * each finding then looks up only the entries that can silence it, not every comment there is.
 */
function suppressedByPlace(suppressions: readonly Suppression[]): Map<string, SuppressedRule[]> {
  const byPlace = new Map<string, SuppressedRule[]>();
  for (const s of suppressions) {
    for (const r of s.rules) {
      if (r.id === undefined) continue;
      const key = placeKey(s.file, s.scope === 'file' ? 'file' : s.target, r.id);
      const list = byPlace.get(key);
      if (list) list.push(r);
      else byPlace.set(key, [r]);
    }
  }
  return byPlace;
}

/**
 * Apply suppressions to findings. `checked(id)` says whether the rule ran in this lint (so a
 * suppression of it that matches nothing really is unused).
 */
export function applySuppressions(
  findings: readonly Finding[],
  suppressions: readonly Suppression[],
  checked: (id: string) => boolean,
): SuppressionResult {
  const used = new Set<SuppressedRule>();
  const problems: Finding[] = [];
  const usable = suppressedByPlace(suppressions.filter((s) => s.placed && s.reason !== ''));

  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  // Lists of entries that silenced something: each is marked used once, at the end.
  const silencing = new Set<SuppressedRule[]>();
  for (const finding of findings) {
    let hit = false;
    if (!UNSUPPRESSIBLE.has(finding.rule)) {
      for (const line of ['file', finding.span.line] as const) {
        const covering = usable.get(placeKey(finding.file, line, finding.rule));
        if (!covering) continue;
        silencing.add(covering);
        hit = true;
      }
    }
    (hit ? suppressed : kept).push(finding);
  }
  for (const list of silencing) for (const r of list) used.add(r);

  const budget = new SuggestionBudget();
  for (const s of suppressions) {
    const directive = s.scope === 'file' ? 'stowage-ignore-file' : 'stowage-ignore';
    if (s.rules.length === 0) {
      problems.push(
        problem(
          'STW001',
          s.file,
          s.span,
          `\`${directive}\` names no rule. Write \`# ${directive} STW202 -- reason\`.`,
        ),
      );
      continue;
    }
    if (!s.placed) {
      problems.push(
        problem(
          'STW001',
          s.file,
          s.span,
          `\`stowage-ignore-file\` must come before the first key of the file; it is ignored here. Move it to the top, or use \`stowage-ignore\` on the line.`,
        ),
      );
      continue;
    }
    if (s.reason === '') {
      problems.push(
        problem(
          'STW001',
          s.file,
          s.span,
          `This suppression gives no reason, so it is ignored. Add one after \`--\`: \`# ${directive} ${s.rules.map((r) => r.written).join(', ')} -- why this is acceptable\`.`,
        ),
      );
    }
    for (const r of s.rules) {
      if (r.id === undefined) {
        const known = RULES.flatMap((m) => [m.id, m.name]);
        problems.push(
          problem(
            'STW001',
            s.file,
            r.span,
            `\`${r.written}\` is not a Stowage rule ID or name.${didYouMean(r.written, known, budget) || ' See docs/rules/README.md for the list.'}`,
          ),
        );
      } else if (UNSUPPRESSIBLE.has(r.id)) {
        problems.push(
          problem(
            'STW001',
            s.file,
            r.span,
            `${r.id} reports suppressions themselves and cannot be suppressed by a comment; turn it off in the lint config if you must.`,
          ),
        );
      } else if (s.reason !== '' && !used.has(r) && checked(r.id)) {
        const where = s.scope === 'file' ? 'in this file' : `on line ${s.target}`;
        problems.push(
          problem(
            'STW002',
            s.file,
            r.span,
            `\`${directive} ${r.written}\` suppresses nothing: there is no ${r.id} finding ${where}. Remove it, or move it onto or just above the line the finding points at.`,
          ),
        );
      }
    }
  }
  return { kept, suppressed, problems };
}

function problem(rule: 'STW001' | 'STW002', file: string, span: Span, message: string): Finding {
  return ruleFinding(rule, { file, span }, message);
}
