/**
 * The shape of src/ as rules: no import cycles, and imports that point one way, from the adapters
 * down to the core. `npm run lint` runs it; `npm run deps:graph` draws the structure.
 *
 * Layers, lowest first (a layer may import only the layers before it):
 *   common → workflow → software → lint | plan → resolve → images | export → report → app → host
 *   → action | cli
 */
const LAYERS = [
  ['common'],
  ['workflow'],
  ['software'],
  ['lint', 'plan'],
  ['resolve'],
  ['images', 'export'],
  ['report'],
  ['app'],
  ['host'],
  ['action', 'cli'],
];

const layerRules = LAYERS.flatMap((layer, i) => {
  const higher = LAYERS.slice(i + 1).flat();
  const siblings = layer.length > 1 ? layer : [];
  return layer.map((folder) => ({
    name: `${folder}-imports-down`,
    comment: `src/${folder} may import only layers below it (${LAYERS.slice(0, i).flat().join(', ') || 'none'})`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: {
      path: `^src/(${[...higher, ...siblings.filter((s) => s !== folder)].join('|')})/`,
    },
  }));
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other (also through types) cannot be read one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-without-actions',
      severity: 'error',
      comment: 'Only the adapters (src/action, src/host) talk to the GitHub runtime.',
      from: { path: '^src/', pathNot: '^src/(action|host)/|^src/index\\.ts$' },
      to: { path: '@actions/' },
    },
    {
      name: 'adapters-through-app',
      severity: 'error',
      comment:
        'The adapters map options and render: they reach the core only through src/app (the run, the options table), besides the reporters, common helpers and host I/O.',
      from: { path: '^src/(action|cli)/' },
      to: { path: '^src/(workflow|software|lint|plan|resolve|images|export)/' },
    },
    {
      name: 'src-not-tests',
      severity: 'error',
      comment: 'Shipped code never imports test helpers.',
      from: { path: '^src/' },
      to: { path: '^__tests__/' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
