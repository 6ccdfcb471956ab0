/** Shell quoting lives with the other escapers (src/common/escape/shell.ts). */
export { shellQuote, shellComment } from './escape/shell.js';
