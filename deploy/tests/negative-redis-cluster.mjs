// Negative tests of the Redis Cluster checks (components/redis-cluster,
// issue 28): each case breaks one promise in a good render of an overlay
// with the component and expects the policy check to name it.
//
//   node deploy/tests/negative-redis-cluster.mjs rendered-dev+redis-cluster.yaml
//
// Prints PASS / FAIL lines, one per case; exits 1 on any FAIL.
import fs from 'node:fs';
import { parseManifests, schemaCheck, policyCheck } from './lib.mjs';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: negative-redis-cluster.mjs rendered.yaml');
  process.exit(2);
}
const good = parseManifests(fs.readFileSync(file, 'utf8'));
const sts = (o) => o.find((x) => x.kind === 'StatefulSet' && x.metadata.name === 'backplan-redis-cluster');
const ctr = (o) => sts(o).spec.template.spec.containers[0];
const conf = (o) => o.find((x) => x.kind === 'ConfigMap' && x.metadata.name.startsWith('backplan-redis-cluster-config'));
const setConf = (o, from, to) => { const cm = conf(o); cm.data['redis.conf'] = cm.data['redis.conf'].replace(from, to); return o; };
const headless = (o) => o.find((x) => x.kind === 'Service' && x.metadata.name === 'backplan-redis-cluster-headless');
const config = (o) => o.find((x) => x.kind === 'ConfigMap' && x.metadata.name.startsWith('backplan-config'));
const onCluster = (o, seeds) => { const cm = config(o); delete cm.data.BACKPLAN_REDIS; cm.data.BACKPLAN_REDIS_CLUSTER = seeds; return o; };
const job = (o) => o.find((x) => x.kind === 'Job' && x.metadata.name === 'backplan-redis-cluster-bootstrap');

// [name, mutate(objs) -> objs, expected text in a failure, options]
const cases = [
  ['cluster mode off', (o) => setConf(o, 'cluster-enabled yes', 'cluster-enabled no'), 'cluster-enabled: must be "yes"'],
  ['fsync relaxed', (o) => setConf(o, 'appendfsync always', 'appendfsync everysec'), 'appendfsync: must be "always"'],
  ['nodes.conf off the volume', (o) => setConf(o, 'cluster-config-file /data/nodes.conf', 'cluster-config-file /tmp/nodes.conf'), 'is not on the volume'],
  ['password in the ConfigMap', (o) => { conf(o).data['redis.conf'] += '\nmasterauth hunter2\n'; return o; }, 'belong in a Secret'],
  ['three pods', (o) => { sts(o).spec.replicas = 3; return o; }, 'need 6 pods'],
  ['no persistent volume', (o) => { delete sts(o).spec.volumeClaimTemplates; return o; }, 'does not mount a volumeClaimTemplate'],
  ['replicas cannot authenticate', (o) => { ctr(o).args = ctr(o).args.map((a) => a.replace(/masterauth/g, 'x')); return o; }, 'masterauth must come from a mounted Secret'],
  ['no bus port', (o) => { ctr(o).ports = ctr(o).ports.filter((p) => p.containerPort !== 16379); return o; }, 'needs the cluster bus port 16379'],
  ['headless Service without the bus', (o) => { headless(o).spec.ports = headless(o).spec.ports.filter((p) => p.port !== 16379); return o; }, 'Service/backplan-redis-cluster-headless spec.ports'],
  ['not-ready pods unresolvable', (o) => { delete headless(o).spec.publishNotReadyAddresses; return o; }, 'publishNotReadyAddresses'],
  ['no bootstrap Job', (o) => o.filter((x) => x.kind !== 'Job'), 'no Job runs redis-cli --cluster create'],
  ['masters without replicas', (o) => { const c = job(o).spec.template.spec.containers[0]; c.args = c.args.map((a) => a.replace('--cluster-replicas 1', '--cluster-replicas 0')); return o; }, 'needs --cluster-replicas 1'],
  ['bootstrap not idempotent', (o) => { const c = job(o).spec.template.spec.containers[0]; c.args = c.args.map((a) => a.replace(/cluster_slots_assigned:16384/g, 'x')); return o; }, 'must skip --cluster create'],
  ['Job as root', (o) => { job(o).spec.template.spec.containers[0].securityContext.runAsUser = 0; return o; }, 'Job/backplan-redis-cluster-bootstrap'],
  // Services pointed at the cluster (overlays/prod-cluster does this).
  ['services on the cluster keep BACKPLAN_REDIS', (o) => { config(o).data.BACKPLAN_REDIS_CLUSTER = 'backplan-redis-cluster:6379'; return o; }, 'mutually exclusive'],
  ['seed names no Service', (o) => onCluster(o, 'nowhere:6379'), 'no Service nowhere is rendered'],
  ['seed on the wrong port', (o) => onCluster(o, 'backplan-redis-cluster:6380'), 'has no port 6380'],
  ['seed at the single Redis', (o) => onCluster(o, 'backplan-redis:6379'), 'does not select the Redis Cluster pods'],
  ['component requested, none rendered', (o) => o.filter((x) => !(x.kind === 'StatefulSet' && x.metadata.name === 'backplan-redis-cluster')), 'the redis-cluster component was requested'],
];

let failed = 0;
for (const [name, mutate, expect] of cases) {
  const objs = mutate(structuredClone(good));
  const failures = [...schemaCheck(objs), ...policyCheck(objs, { profile: 'dev', expectRedisCluster: true })]
    .map((f) => `${f.object} ${f.field}: ${f.message}`);
  const hit = failures.find((f) => f.includes(expect));
  if (hit) console.log(`PASS negative-redis-cluster: ${name} -> ${hit}`);
  else {
    failed++;
    console.log(`FAIL negative-redis-cluster: ${name}: expected a failure containing "${expect}", got ${failures.length ? failures.join(' | ') : 'none (the checker accepted a broken manifest)'}`);
  }
}
const baseline = [...schemaCheck(good), ...policyCheck(good, { profile: 'dev', expectRedisCluster: true })];
if (baseline.length) { failed++; console.log(`FAIL negative-redis-cluster: baseline is not clean: ${baseline.map((f) => `${f.object} ${f.field}: ${f.message}`).join(' | ')}`); }
else console.log('PASS negative-redis-cluster: baseline passes');
process.exit(failed ? 1 : 0);
