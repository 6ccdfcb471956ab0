import { readFileSync } from 'node:fs';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/**
 * The official SARIF 2.1.0 schema (draft-04) as Microsoft ships it in @microsoft/jest-sarif.
 * Draft-04 needs ajv-draft-04; the schema's `uri`/`date-time` formats need ajv-formats; its
 * `language` pattern (`…{2}]?$`) is only valid as a non-Unicode RegExp, hence `unicodeRegExp: false`.
 */
export function sarifValidator() {
  const schemaPath = path.join(
    process.cwd(),
    'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json',
  );
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}
