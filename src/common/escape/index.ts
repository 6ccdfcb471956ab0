/**
 * One escaper per output format. Text Stowage did not write — step, file and workflow names,
 * paths, image and package names, messages that quote them — reaches a generated file, a shell, a
 * log line or a scheduler script only through its format's escaper below, never through quoting
 * written by hand beside the writer. Each escaper's file says what it guards against. The fuzz
 * tests parse each writer's output with the format's own parser (docs/escaping.md lists them).
 *
 * | format                         | escapers                                                      | file          |
 * | ------------------------------ | ------------------------------------------------------------- | ------------- |
 * | log line, annotation           | `logLine`, `annotationText`, `logColumns`, `escapeOutputLine` | log.ts        |
 * | any one-line comment's text    | `commentText`                                                 | comment.ts    |
 * | YAML (CWL, Snakemake)          | `yamlString`, `yamlComment`, `yamlDocument`                   | yaml.ts       |
 * | Compose (YAML)                 | `composeString`                                               | yaml.ts       |
 * | Groovy (Nextflow config)       | `groovyString`, `groovyComment`                               | groovy.ts     |
 * | Python (Snakefile lines)       | `pythonString`                                                | python.ts     |
 * | POSIX shell (Slurm, scripts)   | `shellQuote`, `shellWord`, `shellComment`                     | shell.ts      |
 * | Dockerfile                     | `dockerString`, `dockerComment`, `dockerJsonArray`            | dockerfile.ts |
 * | Markdown (summary, comment)    | `markdownText`, `markdownCode`, `markdownMessage`             | markdown.ts   |
 * | Mermaid label                  | `mermaidLabel`                                                | mermaid.ts    |
 * | SARIF message (JSON)           | `sarifText` (inside `JSON.stringify`)                         | sarif.ts      |
 * | Lua string (Lmod modulefile)   | `luaString`                                                   | lua.ts        |
 * | Tcl word (Environment Modules) | `tclString`                                                   | tcl.ts        |
 * | XML (the Maven stage's pom)    | `xmlText`                                                     | xml.ts        |
 */
export * from './comment.js';
export * from './dockerfile.js';
export * from './groovy.js';
export * from './log.js';
export * from './lua.js';
export * from './markdown.js';
export * from './mermaid.js';
export * from './python.js';
export * from './sarif.js';
export * from './shell.js';
export * from './tcl.js';
export * from './xml.js';
export * from './yaml.js';
