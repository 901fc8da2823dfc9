// Schema and policy check of rendered manifests (the output of
// `kubectl kustomize`). Prints one FAIL line per problem, naming the object
// and the field, and exits 1 if there is any.
//
//   node deploy/tests/check-manifests.mjs --profile prod [--check schema|policy]
//        [--network-policies] [--managed-redis] [--redis-cluster] [--monitoring]
//        [--label NAME]
//        [--flags-from REPO_ROOT] rendered.yaml
//
// --profile prod adds the production rules (replicas, HPA, PDB);
// --network-policies / --managed-redis / --redis-cluster say which components
// were enabled, so
// the check also verifies that they took effect (--monitoring: the checks of
// deploy/tests/monitoring.mjs, also run whenever monitoring objects render); --flags-from reads the flags
// the binaries define (ABSL_FLAG) from the tree, so that an unknown flag or
// BACKPLAN_* variable is caught.
import fs from 'node:fs';
import path from 'node:path';
import { parseManifests, schemaCheck, policyCheck, formatFailure, flagsFromTree } from './lib.mjs';
import { monitoringCheck } from './monitoring.mjs';

const args = process.argv.slice(2);
const opts = { profile: 'dev', check: 'all', label: null, expectNetworkPolicies: false, expectManagedRedis: false, expectMonitoring: false };
let file = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--profile') opts.profile = args[++i];
  else if (a === '--check') opts.check = args[++i];
  else if (a === '--label') opts.label = args[++i];
  else if (a === '--network-policies') opts.expectNetworkPolicies = true;
  else if (a === '--managed-redis') opts.expectManagedRedis = true;
  else if (a === '--redis-cluster') opts.expectRedisCluster = true;
  else if (a === '--monitoring') opts.expectMonitoring = true;
  else if (a === '--flags-from') opts.treeFlags = flagsFromTree(args[++i]);
  else if (!a.startsWith('--') && !file) file = a;
  else { console.error(`unknown argument ${a}`); process.exit(2); }
}
if (!file || !['dev', 'prod'].includes(opts.profile) || !['all', 'schema', 'policy', 'monitoring'].includes(opts.check)) {
  console.error('usage: check-manifests.mjs --profile dev|prod [--check schema|policy] [--network-policies] [--managed-redis] [--redis-cluster] [--label NAME] FILE');
  process.exit(2);
}
const label = opts.label ?? file;

let objs;
try {
  objs = parseManifests(fs.readFileSync(file === '-' ? 0 : file, 'utf8'));
} catch (e) {
  console.log(`FAIL ${label}: cannot read manifests: ${e.message}`);
  process.exit(1);
}
if (!objs.length) {
  console.log(`FAIL ${label}: no objects rendered`);
  process.exit(1);
}
// One result line per check: "PASS schema LABEL" or the failures, then
// "FAIL schema LABEL".
let failed = false;
const readme = () => fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'README.md'), 'utf8');
const monitoringObjects = objs.some((o) => ['ServiceMonitor', 'PrometheusRule'].includes(o.kind));
const checks = [['schema', () => schemaCheck(objs)], ['policy', () => policyCheck(objs, opts)]];
if (opts.expectMonitoring || monitoringObjects) checks.push(['monitoring', () => monitoringCheck(objs, readme())]);
for (const [name, run] of checks) {
  if (opts.check !== 'all' && opts.check !== name) continue;
  const failures = run();
  for (const f of failures) console.log(`  ${formatFailure(label, f)}`);
  if (failures.length) {
    failed = true;
    console.log(`FAIL ${name} ${label}: ${failures.length} problem${failures.length > 1 ? 's' : ''}`);
  } else {
    console.log(`PASS ${name} ${label} (${objs.length} objects)`);
  }
}
process.exit(failed ? 1 : 0);
