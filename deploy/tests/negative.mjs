// Negative tests of the checker: each case breaks one promise in a good
// rendered manifest and expects the schema or policy check to fail, naming
// the object and field. A checker that accepts a broken manifest fails here.
//
//   node deploy/tests/negative.mjs rendered-dev.yaml rendered-prod.yaml [REPO_ROOT]
//
// Prints PASS / FAIL lines, one per case; exits 1 on any FAIL.
import fs from 'node:fs';
import { parseManifests, schemaCheck, policyCheck, formatFailure, flagsFromTree } from './lib.mjs';

const [devFile, prodFile, root] = process.argv.slice(2);
const treeFlags = root ? flagsFromTree(root) : null;
if (!devFile || !prodFile) {
  console.error('usage: negative.mjs rendered-dev.yaml rendered-prod.yaml');
  process.exit(2);
}
const good = { dev: parseManifests(fs.readFileSync(devFile, 'utf8')), prod: parseManifests(fs.readFileSync(prodFile, 'utf8')) };

const dep = (objs, name) => objs.find((o) => o.kind === 'Deployment' && o.metadata.name === `backplan-${name}`);
const ctr = (objs, name) => dep(objs, name).spec.template.spec.containers[0];
const redis = (objs) => objs.find((o) => o.kind === 'StatefulSet');
const drop = (objs, kind, pred = () => true) => objs.filter((o) => !(o.kind === kind && pred(o)));

// [name, profile, mutate(objs) -> objs, expected text in a failure]
const cases = [
  ['image tag latest', 'prod', (o) => { ctr(o, 'decomposition').image = 'registry.example.com/backplan/backplan:latest'; return o; }, 'Deployment/backplan-decomposition spec.template.spec.containers[0].image'],
  ['image without tag', 'dev', (o) => { ctr(o, 'scheduling').image = 'registry.example.com/backplan/backplan'; return o; }, 'must be pinned by tag'],
  ['readOnlyRootFilesystem off', 'prod', (o) => { ctr(o, 'prioritization').securityContext.readOnlyRootFilesystem = false; return o; }, 'containers[0].securityContext.readOnlyRootFilesystem'],
  ['privilege escalation allowed', 'dev', (o) => { delete ctr(o, 'scheduling').securityContext.allowPrivilegeEscalation; return o; }, 'allowPrivilegeEscalation'],
  ['capabilities not dropped', 'dev', (o) => { ctr(o, 'decomposition').securityContext.capabilities.drop = ['NET_RAW']; return o; }, 'capabilities.drop'],
  ['runs as root', 'dev', (o) => { ctr(o, 'decomposition').securityContext.runAsUser = 0; return o; }, 'securityContext.runAsUser'],
  ['runAsNonRoot off', 'dev', (o) => { ctr(o, 'decomposition').securityContext.runAsNonRoot = false; return o; }, 'runAsNonRoot'],
  ['seccomp unconfined', 'dev', (o) => { ctr(o, 'decomposition').securityContext.seccompProfile = { type: 'Unconfined' }; return o; }, 'seccompProfile.type'],
  ['token automounted', 'dev', (o) => { dep(o, 'decomposition').spec.template.spec.automountServiceAccountToken = true; return o; }, 'automountServiceAccountToken'],
  ['ServiceAccount automounts', 'dev', (o) => { o.find((x) => x.kind === 'ServiceAccount' && x.metadata.name === 'backplan-scheduling').automountServiceAccountToken = true; return o; }, 'ServiceAccount/backplan-scheduling automountServiceAccountToken'],
  ['service links on', 'dev', (o) => { delete dep(o, 'scheduling').spec.template.spec.enableServiceLinks; return o; }, 'enableServiceLinks'],
  ['no memory limit', 'prod', (o) => { delete ctr(o, 'scheduling').resources.limits.memory; return o; }, 'resources.limits.memory'],
  ['request above limit', 'dev', (o) => { ctr(o, 'scheduling').resources.requests.cpu = '4'; return o; }, 'resources.requests.cpu'],
  ['no startup probe', 'dev', (o) => { delete ctr(o, 'prioritization').startupProbe; return o; }, 'startupProbe'],
  ['probe without timeout', 'dev', (o) => { delete ctr(o, 'prioritization').readinessProbe.timeoutSeconds; return o; }, 'readinessProbe.timeoutSeconds'],
  ['HTTP probe instead of gRPC', 'dev', (o) => { ctr(o, 'prioritization').livenessProbe = { httpGet: { port: 9092, path: '/' }, timeoutSeconds: 1 }; return o; }, 'livenessProbe.grpc'],
  ['probe on the store health entry', 'dev', (o) => { ctr(o, 'decomposition').readinessProbe.grpc.service = 'backplan.store'; return o; }, 'readinessProbe.grpc.service'],
  ['probe on a wrong port', 'dev', (o) => { ctr(o, 'decomposition').livenessProbe.grpc.port = 50052; return o; }, 'livenessProbe.grpc.port'],
  ['named port in gRPC probe (schema)', 'dev', (o) => { ctr(o, 'decomposition').readinessProbe.grpc.port = 'grpc'; return o; }, 'schema: must be integer'],
  ['unknown field type (schema)', 'dev', (o) => { dep(o, 'decomposition').spec.replicas = 'two'; return o; }, 'Deployment/backplan-decomposition spec.replicas: schema'],
  ['unknown kind (schema)', 'dev', (o) => { o.push({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x', namespace: 'backplan-dev' } }); return o; }, 'unknown to the Kubernetes schema'],
  ['port renamed', 'dev', (o) => { ctr(o, 'decomposition').ports[0].name = 'rpc'; return o; }, 'needs a port named grpc'],
  ['container port differs from --port', 'dev', (o) => { ctr(o, 'decomposition').args = ['--port=6000', '--metrics_port=9091']; return o; }, 'ports[grpc].containerPort'],
  ['unknown flag', 'dev', (o) => { ctr(o, 'decomposition').args.push('--redis_adress=x:1'); return o; }, 'unknown flag --redis_adress'],
  ['scheduling-only flag on decomposition', 'dev', (o) => { ctr(o, 'decomposition').args.push('--prioritization_address=dns:///x:1'); return o; }, 'unknown flag --prioritization_address', { treeFlags }],
  ['unknown BACKPLAN_ env', 'dev', (o) => { ctr(o, 'decomposition').env.push({ name: 'BACKPLAN_REDIS_HOST', value: 'x' }); return o; }, 'BACKPLAN_REDIS_HOST matches no flag'],
  ['grace too short', 'dev', (o) => { dep(o, 'scheduling').spec.template.spec.terminationGracePeriodSeconds = 12; return o; }, 'terminationGracePeriodSeconds'],
  ['grace raised past terminationGracePeriodSeconds', 'dev', (o) => { ctr(o, 'scheduling').args.push('--grace_period_s=40'); return o; }, 'must exceed preStop'],
  ['no topology spread', 'dev', (o) => { delete dep(o, 'scheduling').spec.template.spec.topologySpreadConstraints; return o; }, 'topologySpreadConstraints'],
  ['password inline', 'dev', (o) => { const e = ctr(o, 'scheduling').env.find((x) => x.name === 'BACKPLAN_REDIS_PASSWORD'); delete e.valueFrom; e.value = 'hunter2'; return o; }, 'BACKPLAN_REDIS_PASSWORD'],
  ['missing Secret', 'dev', (o) => drop(o, 'Secret'), 'is not rendered'],
  ['missing ConfigMap', 'dev', (o) => drop(o, 'ConfigMap', (x) => x.metadata.name.startsWith('backplan-config')), 'ConfigMap backplan-config'],
  ['prioritization address via ClusterIP', 'dev', (o) => { const c = ctr(o, 'scheduling'); c.args = c.args.map((a) => a.replace('-headless', '')); return o; }, 'headless'],
  ['prioritization address not dns:///', 'dev', (o) => { const c = ctr(o, 'scheduling'); c.args = c.args.map((a) => a.replace('dns:///', '')); return o; }, '--prioritization_address must be dns:///'],
  ['no headless Service', 'dev', (o) => drop(o, 'Service', (x) => x.metadata.name === 'backplan-prioritization-headless'), 'headless'],
  ['no regular Service', 'dev', (o) => drop(o, 'Service', (x) => x.metadata.name === 'backplan-decomposition'), 'no regular Service'],
  ['Service port without name', 'dev', (o) => { o.find((x) => x.kind === 'Service' && x.metadata.name === 'backplan-scheduling').spec.ports[1].name = 'metrics'; return o; }, 'needs a port named http-metrics'],
  ['service missing', 'dev', (o) => drop(o, 'Deployment', (x) => x.metadata.name === 'backplan-scheduling'), 'no workload runs /usr/local/bin/backplan-scheduling'],
  ['prod single replica', 'prod', (o) => { dep(o, 'decomposition').spec.replicas = 1; return o; }, 'spec.replicas'],
  ['prod without HPA', 'prod', (o) => drop(o, 'HorizontalPodAutoscaler', (x) => x.metadata.name === 'backplan-scheduling'), 'HorizontalPodAutoscaler'],
  ['prod HPA min 1', 'prod', (o) => { o.find((x) => x.kind === 'HorizontalPodAutoscaler').spec.minReplicas = 1; return o; }, 'spec.minReplicas'],
  ['prod without PDB', 'prod', (o) => drop(o, 'PodDisruptionBudget', (x) => x.metadata.name === 'backplan-prioritization'), 'PodDisruptionBudget'],
  ['prod PDB blocks drains', 'prod', (o) => { const p = o.find((x) => x.kind === 'PodDisruptionBudget'); delete p.spec.maxUnavailable; p.spec.minAvailable = 2; return o; }, 'spec.minAvailable'],
  ['Redis without volume', 'prod', (o) => { delete redis(o).spec.volumeClaimTemplates; return o; }, 'volumeClaimTemplates'],
  ['Redis appendfsync everysec', 'dev', (o) => { const cm = o.find((x) => x.kind === 'ConfigMap' && x.data?.['redis.conf']); cm.data['redis.conf'] = cm.data['redis.conf'].replace('appendfsync always', 'appendfsync everysec'); return o; }, 'appendfsync'],
  ['Redis evicts', 'dev', (o) => { const cm = o.find((x) => x.kind === 'ConfigMap' && x.data?.['redis.conf']); cm.data['redis.conf'] += '\nmaxmemory-policy allkeys-lru\n'; return o; }, 'maxmemory-policy'],
  ['Redis password in ConfigMap', 'dev', (o) => { const cm = o.find((x) => x.kind === 'ConfigMap' && x.data?.['redis.conf']); cm.data['redis.conf'] += '\nrequirepass x\n'; return o; }, 'requirepass'],
  ['Redis HTTP probe', 'dev', (o) => { redis(o).spec.template.spec.containers[0].readinessProbe = { httpGet: { port: 6379 }, timeoutSeconds: 1 }; return o; }, 'TCP probe or redis-cli ping'],
  ['Redis writable root', 'dev', (o) => { redis(o).spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false; return o; }, 'StatefulSet/backplan-redis'],
  ['Redis Service gone', 'dev', (o) => drop(o, 'Service', (x) => x.metadata.name === 'backplan-redis'), 'no Service backplan-redis'],
  ['managed Redis requested, still in cluster', 'dev', (o) => o, 'managed Redis was requested', { expectManagedRedis: true }],
  ['managed Redis requested, BACKPLAN_REDIS still in-cluster', 'dev', (o) => {
    const gone = new Set(['StatefulSet', 'Service/backplan-redis', 'Service/backplan-redis-headless']);
    return o.filter((x) => !gone.has(x.kind) && !gone.has(`${x.kind}/${x.metadata.name}`));
  }, 'points at no managed endpoint', { expectManagedRedis: true }],
  ['network policies requested, none rendered', 'dev', (o) => o, 'network policies were requested', { expectNetworkPolicies: true }],
  ['prod runs --auth=none', 'prod', (o) => { const c = ctr(o, 'prioritization'); c.args = c.args.map((a) => (a.startsWith('--auth=') ? '--auth=none' : a)); return o; }, 'runs --auth=none'],
  ['dev without --auth', 'dev', (o) => { const c = ctr(o, 'decomposition'); c.args = c.args.filter((a) => !a.startsWith('--auth=')); return o; }, '--auth is missing'],
  ['auth from env none', 'dev', (o) => { ctr(o, 'scheduling').env.push({ name: 'BACKPLAN_AUTH', value: 'none' }); const c = ctr(o, 'scheduling'); c.args = c.args.filter((a) => !a.startsWith('--auth=')); return o; }, 'runs --auth=none (env BACKPLAN_AUTH)'],
  ['mTLS probes on the main port', 'prod', (o) => { ctr(o, 'decomposition').readinessProbe.grpc.port = 50051; return o; }, 'is not the health port 8081'],
  ['mTLS without a health port', 'dev', (o) => { const c = ctr(o, 'scheduling'); c.args = c.args.filter((a) => !a.startsWith('--health_port')); return o; }, 'needs --health_port'],
  ['not namespaced', 'dev', (o) => { delete dep(o, 'scheduling').metadata.namespace; return o; }, 'metadata.namespace'],
];

let failed = 0;
for (const [name, profile, mutate, expect, opts = {}] of cases) {
  const objs = mutate(structuredClone(good[profile]));
  const failures = [...schemaCheck(objs), ...policyCheck(objs, { profile, ...opts })]
    .map((f) => `${f.object} ${f.field}: ${f.message}`);
  const hit = failures.find((f) => f.includes(expect));
  if (hit) console.log(`PASS negative: ${name} -> ${hit}`);
  else {
    failed++;
    console.log(`FAIL negative: ${name}: expected a failure containing "${expect}", got ${failures.length ? failures.join(' | ') : 'none (the checker accepted a broken manifest)'}`);
  }
}
// And the good manifests themselves pass (else every case above is moot).
for (const profile of ['dev', 'prod']) {
  const failures = [...schemaCheck(good[profile]), ...policyCheck(good[profile], { profile })];
  if (failures.length) { failed++; console.log(`FAIL negative: baseline ${profile} is not clean: ${failures.map((f) => formatFailure(profile, f)).join(' | ')}`); }
  else console.log(`PASS negative: baseline ${profile} passes`);
}
process.exit(failed ? 1 : 0);
