import pkg from '../package.json' with { type: 'json' };

/** The package version, bundled in so the CLI and action report what they are. */
export const VERSION: string = pkg.version;
