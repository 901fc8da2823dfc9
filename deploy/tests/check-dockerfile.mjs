// Checks deploy/docker/Dockerfile against the tree, since Docker cannot run
// here: base images pinned, the binaries it copies are the ones CMake builds
// (services/<name>/CMakeLists.txt add_executable(backplan-<name>), output in
// build/services/<name>/), they land where the manifests run them, the
// runtime stage installs the runtime libraries, and the user is numeric and
// the one the manifests run as. Also that scripts/build_image.sh (the build
// without Docker) makes the same image, and that the manifests' image tags
// are CHANGELOG.md's version.
//
//   node deploy/tests/check-dockerfile.mjs [REPO_ROOT] [--strict]
//
// Prints PASS / SKIP / FAIL lines; exits 1 on any FAIL. A service whose
// CMakeLists.txt does not exist yet is a SKIP (FAIL with --strict).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { SERVICES, BINARY_DIR, flagsFromTree } from './lib.mjs';

const argv = process.argv.slice(2);
const strict = argv.includes('--strict') || process.env.BACKPLAN_DEPLOY_STRICT === '1';
const root = path.resolve(argv.find((a) => !a.startsWith('--')) ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../..'));
const dockerfilePath = path.join(root, 'deploy/docker/Dockerfile');

let failed = 0;
const pass = (what) => console.log(`PASS dockerfile: ${what}`);
const fail = (what, why) => { failed++; console.log(`FAIL dockerfile: ${what}: ${why}`); };
const skip = (what, why) => (strict ? fail(what, why) : console.log(`SKIP dockerfile: ${what}: ${why}`));
const check = (what, ok, why) => (ok ? pass(what) : fail(what, why));

if (!fs.existsSync(dockerfilePath)) {
  fail('deploy/docker/Dockerfile', 'missing');
  process.exit(1);
}
// Join continuation lines, drop comments.
const lines = fs.readFileSync(dockerfilePath, 'utf8').replace(/\\\n/g, ' ').split('\n')
  .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

const args = {};
const stages = []; // { name, image, lines: [] }
for (const l of lines) {
  const m = /^(\w+)\s+(.*)$/.exec(l);
  if (!m) continue;
  const [, instr, rest] = [m[0], m[1].toUpperCase(), m[2]];
  if (instr === 'ARG' && !stages.length) {
    const [k, v] = rest.split('=');
    args[k.trim()] = v?.trim();
  } else if (instr === 'FROM') {
    const fm = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
    const image = fm[1].replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args[a ?? b] ?? '');
    stages.push({ name: fm[2] ?? String(stages.length), image, lines: [] });
  } else if (stages.length) {
    stages.at(-1).lines.push({ instr, rest });
  }
}

// Base images: Debian 12, pinned to a point release, never latest.
for (const s of stages) {
  if (stages.some((o) => o.name === s.image)) continue; // FROM an earlier stage
  if (s.image === 'scratch') continue;
  check(`stage ${s.name} base image ${s.image} is Debian 12 pinned by tag`,
    /^debian:12\.[0-9]+(-slim)?$/.test(s.image), 'want debian:12.<point>[-slim]');
}
const build = stages.find((s) => s.name === 'build');
const runtime = stages.at(-1);
check('a stage named build and a final runtime stage', build && runtime && build !== runtime, `stages: ${stages.map((s) => s.name).join(', ')}`);
if (!build || !runtime) process.exit(1);

// The build runs the repository's CMake commands.
const buildRuns = build.lines.filter((l) => l.instr === 'RUN').map((l) => l.rest).join(' && ');
check('build stage configures with cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBACKPLAN_BUILD_TESTS=OFF',
  /cmake -S \. -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBACKPLAN_BUILD_TESTS=OFF/.test(buildRuns), 'command not found');
check('build stage builds with cmake --build build', /cmake --build build/.test(buildRuns), 'command not found');

// CMake must not move binaries out of build/services/<name>/.
const cmakeFiles = [path.join(root, 'CMakeLists.txt'),
  ...(fs.existsSync(path.join(root, 'cmake')) ? fs.readdirSync(path.join(root, 'cmake')).filter((f) => f.endsWith('.cmake')).map((f) => path.join(root, 'cmake', f)) : [])];
const moved = cmakeFiles.filter((f) => fs.existsSync(f) && /RUNTIME_OUTPUT_DIRECTORY/.test(fs.readFileSync(f, 'utf8')));
check('no RUNTIME_OUTPUT_DIRECTORY moves binaries out of build/services/<name>/', !moved.length,
  `set in ${moved.map((f) => path.relative(root, f)).join(', ')}: update the COPY paths`);

// Each service: CMake target, COPY source and destination.
const copies = runtime.lines.filter((l) => l.instr === 'COPY' && /--from=build\b/.test(l.rest))
  .map((l) => l.rest.replace(/--\S+/g, '').trim().split(/\s+/));
const servicesCmake = path.join(root, 'services/CMakeLists.txt');
for (const name of Object.keys(SERVICES)) {
  const exe = `backplan-${name}`;
  const src = `/src/build/services/${name}/${exe}`;
  const dest = `${BINARY_DIR}/${exe}`;
  check(`COPY ${src} -> ${dest} (where the manifests run it)`, copies.some(([s, d]) => s === src && (d === dest || d === `${BINARY_DIR}/`)),
    `no such COPY --from=build; have: ${copies.map((c) => c.join(' -> ')).join('; ')}`);
  check(`build stage builds target ${exe}`, new RegExp(`--target[^&]*\\b${exe}\\b`).test(buildRuns) || !/--target/.test(buildRuns), 'not in cmake --build --target');
  const cm = path.join(root, 'services', name, 'CMakeLists.txt');
  if (!fs.existsSync(cm)) {
    skip(`services/${name}/CMakeLists.txt defines ${exe}`, `services/${name}/CMakeLists.txt does not exist yet, so the binary name and path cannot be checked against the tree`);
    continue;
  }
  const text = fs.readFileSync(cm, 'utf8').replace(/#.*$/gm, '');
  const defines = new RegExp(`add_executable\\s*\\(\\s*${exe}[\\s)]`).test(text) || new RegExp(`OUTPUT_NAME\\s+"?${exe}"?`).test(text);
  const found = [...text.matchAll(/add_executable\s*\(\s*([\w.+-]+)/g)].map((m) => m[1]);
  check(`services/${name}/CMakeLists.txt defines ${exe}`, defines, `add_executable names: ${found.join(', ') || 'none'}`);
  if (fs.existsSync(servicesCmake)) {
    check(`services/CMakeLists.txt adds subdirectory ${name}`,
      new RegExp(`add_subdirectory\\s*\\(\\s*${name}\\s*\\)`).test(fs.readFileSync(servicesCmake, 'utf8')), 'missing add_subdirectory');
  }
}

// Runtime stage: only runtime libraries, from Debian, installed either in the
// final stage or in the stages it copies its root from.
const runtimeStages = [runtime, ...stages.filter((o) => o !== build && runtime.lines.some(
  (l) => l.instr === 'COPY' && l.rest.includes(`--from=${o.name} `)))];
const runtimeRuns = runtimeStages.flatMap((st) => st.lines).filter((l) => l.instr === 'RUN').map((l) => l.rest).join(' ');
for (const lib of ['libgrpc++1.51', 'libprotobuf32', 'libhiredis0.14', 'libabsl20220623', 'libyaml-cpp0.7', 'libprometheus-cpp-core1.0', 'libprometheus-cpp-pull1.0']) {
  check(`runtime stage installs ${lib}`, runtimeRuns.split(/\s+/).includes(lib), 'not installed');
}
const devPkgs = runtimeRuns.split(/\s+/).filter((p) => /-dev$|^(g\+\+|cmake|ninja-build)$/.test(p));
check('runtime stage installs no build tools or -dev packages', !devPkgs.length, devPkgs.join(', '));

// User: numeric, non-root, the one the manifests run as.
const users = runtime.lines.filter((l) => l.instr === 'USER').map((l) => l.rest);
const user = users.at(-1) ?? '';
const um = /^([0-9]+)(?::([0-9]+))?$/.exec(user);
check(`runtime USER is numeric and not root (${user || 'unset'})`, um && Number(um[1]) > 0 && (um[2] === undefined || Number(um[2]) > 0),
  'set USER <uid>:<gid>, numeric so that runAsNonRoot can verify it');
if (um) {
  for (const name of Object.keys(SERVICES)) {
    const f = path.join(root, 'deploy/k8s/base', name, 'deployment.yaml');
    if (!fs.existsSync(f)) { fail(`deploy/k8s/base/${name}/deployment.yaml`, 'missing'); continue; }
    const d = YAML.parse(fs.readFileSync(f, 'utf8'));
    const sc = d?.spec?.template?.spec?.securityContext ?? {};
    check(`${name} Deployment runs as the image's user ${user}`, String(sc.runAsUser) === um[1] && (um[2] === undefined || String(sc.runAsGroup) === um[2]),
      `runAsUser/runAsGroup ${sc.runAsUser}/${sc.runAsGroup}`);
  }
}

// Flags the base manifests set exist in the tree. Checked once the service's
// main.cc and services/common/ exist (before that: SKIP).
const treeFlags = flagsFromTree(root);
const baseEnv = path.join(root, 'deploy/k8s/base/backplan.env');
const envKeys = fs.existsSync(baseEnv)
  ? fs.readFileSync(baseEnv, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.split('=')[0])
  : [];
for (const name of Object.keys(SERVICES)) {
  const f = path.join(root, 'deploy/k8s/base', name, 'deployment.yaml');
  if (!fs.existsSync(f)) continue;
  const c = YAML.parse(fs.readFileSync(f, 'utf8'))?.spec?.template?.spec?.containers?.[0] ?? {};
  const used = new Set();
  for (const a of c.args ?? []) { const m = /^--([a-z0-9_]+)/.exec(a); if (m) used.add(m[1]); }
  for (const k of [...envKeys, ...(c.env ?? []).map((e) => e.name)]) { const m = /^BACKPLAN_(.+)$/.exec(k); if (m) used.add(m[1].toLowerCase()); }
  const what = `backplan-${name} defines the flags its manifest sets (${[...used].sort().map((x) => `--${x}`).join(' ')})`;
  const ready = fs.existsSync(path.join(root, 'services', name, 'main.cc')) && fs.existsSync(path.join(root, 'services/common'));
  if (!ready || !treeFlags) { skip(what, `services/${name}/main.cc or services/common/ does not exist yet`); continue; }
  const defined = new Set([...treeFlags.common, ...treeFlags.perService[name]]);
  const missing = [...used].filter((x) => !defined.has(x));
  check(what, !missing.length, `no ABSL_FLAG for ${missing.map((x) => `--${x}`).join(', ')} in libs/, services/common/ or services/${name}/`);
}

// Informational: packages scripts/build.sh installs that the build stage does not.
const buildSh = path.join(root, 'scripts/build.sh');
if (fs.existsSync(buildSh)) {
  const sh = fs.readFileSync(buildSh, 'utf8');
  const want = new Set([...sh.matchAll(/\b(lib[\w.+-]+-dev|protobuf-compiler(?:-grpc)?|prometheus-cpp-dev)\b/g)].map((m) => m[1]));
  const missing = [...want].filter((p) => !buildRuns.split(/\s+/).includes(p) && !/gtest|gmock|benchmark/.test(p));
  if (missing.length) console.log(`note dockerfile: scripts/build.sh installs ${missing.join(', ')}, which the build stage does not (fine if test-only)`);
}
// scripts/build_image.sh builds the same image without Docker (debootstrap +
// buildah): the same runtime packages, pruning, user, ports and command.
const buildImage = path.join(root, 'scripts/build_image.sh');
const flat = (t) => t.replace(/\\\n/g, ' ').replace(/[ \t]+/g, ' ');
if (!fs.existsSync(buildImage)) {
  skip('scripts/build_image.sh builds the same image', 'scripts/build_image.sh does not exist');
} else {
  const sh = fs.readFileSync(buildImage, 'utf8');
  const block = /^RUNTIME_PACKAGES=\(\n([\s\S]*?)^\)/m.exec(sh);
  const shPkgs = block ? block[1].split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).sort() : [];
  const dfList = /\bset -- (.*?) &&/.exec(flat(runtimeRuns));
  const dfPkgs = dfList ? dfList[1].trim().split(/\s+/).sort() : [];
  check(`build_image.sh RUNTIME_PACKAGES are the Dockerfile's runtime packages (${shPkgs.join(' ')})`,
    shPkgs.length > 0 && shPkgs.join(' ') === dfPkgs.join(' '), `Dockerfile: ${dfPkgs.join(' ') || 'no "set -- <packages> &&" list'}`);
  check('both keep only those packages\' files with deploy/docker/prune-rootfs.sh',
    /prune-rootfs\.sh \/image "\$@"/.test(runtimeRuns) && /prune-rootfs\.sh \/image "\$\{RUNTIME_PACKAGES\[@\]\}"/.test(sh)
      && runtime.lines.some((l) => l.instr === 'COPY' && /--from=\S+ \/image\/? \/$/.test(l.rest)),
    'want `prune-rootfs.sh /image` over the package list in both, and the runtime stage built FROM scratch with COPY --from=<stage> /image/ /');
  const accounts = (t) => [...flat(t).matchAll(/\b(?:groupadd|useradd) --system [^&|;\n]*?backplan\b/g)].map((m) => m[0]);
  check('same groupadd/useradd as build_image.sh', accounts(runtimeRuns).length === 2 && accounts(runtimeRuns).join('|') === accounts(sh).join('|'),
    `Dockerfile: ${accounts(runtimeRuns).join('; ')}; build_image.sh: ${accounts(sh).join('; ')}`);
  const shUser = /--user (\S+)/.exec(sh)?.[1];
  check(`same USER as build_image.sh (${shUser})`, shUser === user, `Dockerfile USER ${user}`);
  const dfPorts = runtime.lines.filter((l) => l.instr === 'EXPOSE').flatMap((l) => l.rest.split(/\s+/)).sort().join(' ');
  const shPorts = [...flat(sh).matchAll(/--port (\d+)/g)].map((m) => m[1]).sort().join(' ');
  check(`same ports as build_image.sh (${shPorts})`, dfPorts === shPorts, `Dockerfile EXPOSE ${dfPorts}`);
  const dfCmd = runtime.lines.filter((l) => l.instr === 'CMD').at(-1)?.rest;
  const shCmd = /--cmd '([^']*)'/.exec(sh)?.[1];
  let sameCmd = false;
  try { sameCmd = JSON.stringify(JSON.parse(dfCmd)) === JSON.stringify(JSON.parse(shCmd)); } catch { /* not JSON */ }
  check(`same CMD as build_image.sh (${shCmd})`, sameCmd, `Dockerfile CMD ${dfCmd}`);
  check('no ENTRYPOINT in either', !runtime.lines.some((l) => l.instr === 'ENTRYPOINT') && !/--entrypoint/.test(sh), 'ENTRYPOINT set');
}

// The image tag the manifests ship is CHANGELOG.md's version (the first
// "## X.Y.Z" heading), which scripts/build_image.sh tags the image with.
const changelog = path.join(root, 'CHANGELOG.md');
const version = fs.existsSync(changelog) ? /^## ([0-9]+\.[0-9]+\.[0-9]+)\b/m.exec(fs.readFileSync(changelog, 'utf8'))?.[1] : undefined;
if (!version) {
  fail('CHANGELOG.md', 'missing, or no "## X.Y.Z" heading');
} else {
  const kustomizations = [];
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const f = path.join(d, e.name);
    if (e.isDirectory()) walk(f); else if (e.name === 'kustomization.yaml') kustomizations.push(f);
  });
  walk(path.join(root, 'deploy/k8s'));
  for (const f of kustomizations.sort()) {
    for (const img of YAML.parse(fs.readFileSync(f, 'utf8'))?.images ?? []) {
      if (!/(^|\/)backplan$/.test(img.name ?? '')) continue;
      check(`${path.relative(root, f)} tags ${img.newName ?? img.name} with CHANGELOG.md's version ${version}`,
        String(img.newTag) === version, `newTag ${img.newTag}`);
    }
  }
  for (const name of Object.keys(SERVICES)) {
    const f = path.join(root, 'deploy/k8s/base', name, 'deployment.yaml');
    if (!fs.existsSync(f)) continue;
    const image = YAML.parse(fs.readFileSync(f, 'utf8'))?.spec?.template?.spec?.containers?.[0]?.image ?? '';
    check(`${name} Deployment image ${image} has CHANGELOG.md's version ${version}`, image.endsWith(`:${version}`), 'update the tag');
  }
}
process.exit(failed ? 1 : 0);
