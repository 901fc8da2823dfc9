// Checks on rendered Kubernetes manifests for Backplan: a schema check with
// kubernetes-models (the Kubernetes OpenAPI schema, compiled) and a policy
// check that encodes deploy/README.md's promises (issue 10). Both take a list
// of plain objects (parsed from `kubectl kustomize` output) and return a list
// of failures { object: "Kind/name", field: "spec.x.y", message }; an empty
// list means the manifests pass.
//
//   import { parseManifests, schemaCheck, policyCheck } from './lib.mjs';
//   const objs = parseManifests(fs.readFileSync('prod.yaml', 'utf8'));
//   const failures = [...schemaCheck(objs), ...policyCheck(objs, { profile: 'prod' })];

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import YAML from 'yaml';

const require = createRequire(import.meta.url);
// The Prometheus Operator's kinds (components/monitoring), from npm
// @kubernetes-models/prometheus-operator: an ES module, hence import().
const prometheusOperator = await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1').catch(() => null);

// The services, their binaries and their default ports, exactly as the
// binaries define them (see DESIGN.md "Operations").
export const SERVICES = {
  decomposition: { port: 50051, metricsPort: 9091 },
  prioritization: { port: 50052, metricsPort: 9092 },
  scheduling: { port: 50053, metricsPort: 9093 },
};
export const BINARY_DIR = '/usr/local/bin';
// Flags every service takes (each with an env fallback BACKPLAN_<UPPER>).
export const FLAGS = {
  port: null, // per service, SERVICES[name].port
  metrics_port: null,
  redis: '127.0.0.1:6379',
  redis_cluster: '', // seeds host:port,... instead of --redis (issue 28)
  redis_password: '',
  prioritization_address: null, // scheduling only
  grace_period_s: '10',
  log_level: 'info',
  // Authentication (issue 17): --auth has no default.
  auth: undefined,
  auth_identities: '',
  auth_tokens: '',
  tls_cert: '',
  tls_key: '',
  tls_client_ca: '',
  health_port: '0',
  reflection: 'true',
  max_calls_per_tenant: '128',
  prioritization_tls_ca: '', // scheduling only
  prioritization_tls_cert: '',
  prioritization_tls_key: '',
  prioritization_tls_server_name: '',
  prioritization_token_file: '',
};
const SERVICE_ONLY_FLAGS = {
  prioritization_address: ['scheduling'],
  prioritization_tls_ca: ['scheduling'],
  prioritization_tls_cert: ['scheduling'],
  prioritization_tls_key: ['scheduling'],
  prioritization_tls_server_name: ['scheduling'],
  prioritization_token_file: ['scheduling'],
};

// The flags the binaries really define, read from the tree: ABSL_FLAG in
// libs/ and services/common/ (linked into every service) and in
// services/<name>/ (that service only). Returns null when the tree defines
// none yet.
export function flagsFromTree(root) {
  const scan = (dir) => {
    const out = new Set();
    if (!fs.existsSync(dir)) return out;
    for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (!e.isFile() || !/\.(cc|cpp|h)$/.test(e.name) || /_test\.cc$/.test(e.name)) continue;
      const text = fs.readFileSync(path.join(e.parentPath ?? e.path, e.name), 'utf8');
      for (const m of text.matchAll(/ABSL_FLAG\(\s*[\w:<>]+\s*,\s*(\w+)\s*,/g)) out.add(m[1]);
    }
    return out;
  };
  const common = new Set([...scan(path.join(root, 'libs')), ...scan(path.join(root, 'services/common'))]);
  const perService = {};
  let any = common.size > 0;
  for (const name of Object.keys(SERVICES)) {
    perService[name] = scan(path.join(root, 'services', name));
    if (perService[name].size) any = true;
  }
  if (!any) return null;
  return { common, perService };
}
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);
export const EXTERNAL_SECRETS_ANNOTATION = 'backplan.io/external-secrets';

// Parses a multi-document YAML string; fails loudly on YAML errors.
export function parseManifests(text) {
  const docs = YAML.parseAllDocuments(text);
  const objs = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`YAML error: ${doc.errors[0].message}`);
    const obj = doc.toJSON();
    if (obj == null) continue;
    objs.push(obj);
  }
  return objs;
}

export function idOf(obj) {
  return `${obj?.kind ?? '<no kind>'}/${obj?.metadata?.name ?? '<no name>'}`;
}

// ---------------------------------------------------------------- schema ---

function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return null;
  if (!/^[a-z0-9.]+(\/v[0-9a-z]+)?$/.test(apiVersion)) return null;
  let mod;
  try {
    mod = apiVersion === 'monitoring.coreos.com/v1' ? prometheusOperator ?? {} : require(`kubernetes-models/${apiVersion}`);
  } catch {
    return null;
  }
  const cls = mod[kind];
  return typeof cls === 'function' && cls.kind === kind ? cls : null;
}

// Every object must be a known Kubernetes kind of its apiVersion and valid
// against that kind's schema.
export function schemaCheck(objs) {
  const failures = [];
  for (const obj of objs) {
    const Model = modelFor(obj.apiVersion, obj.kind);
    if (!Model) {
      failures.push({ object: idOf(obj), field: 'apiVersion/kind',
        message: `unknown to the Kubernetes schema: ${obj.apiVersion} ${obj.kind}` });
      continue;
    }
    if (!obj.metadata?.name) {
      failures.push({ object: idOf(obj), field: 'metadata.name', message: 'missing' });
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      const errors = e.errors ?? [{ instancePath: '', message: e.message }];
      for (const err of errors) {
        const field = (err.instancePath || '/').replace(/^\//, '').replaceAll('/', '.') || '(root)';
        let message = err.message;
        if (err.params?.missingProperty) message += ` (${err.params.missingProperty})`;
        if (err.params?.allowedValues) message += ` (${err.params.allowedValues.join(', ')})`;
        failures.push({ object: idOf(obj), field, message: `schema: ${message}` });
      }
    }
  }
  return failures;
}

// ---------------------------------------------------------------- policy ---

// Kubernetes quantity to a number (cores or bytes).
export function parseQuantity(q) {
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(q));
  if (!m) return NaN;
  const mult = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Number(m[1]) * (m[2] ? mult[m[2]] : 1);
}

function podSpecOf(obj) {
  if (obj.kind === 'CronJob') return obj.spec?.jobTemplate?.spec?.template?.spec;
  return obj.spec?.template?.spec;
}
function podLabelsOf(obj) {
  if (obj.kind === 'CronJob') return obj.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {};
  return obj.spec?.template?.metadata?.labels ?? {};
}
function podPath(obj) {
  return obj.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
}

export function selectorMatches(selector, labels) {
  if (!selector) return false;
  const ml = selector.matchLabels ?? {};
  const exprs = selector.matchExpressions ?? [];
  if (!Object.keys(ml).length && !exprs.length) return true;
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of exprs) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
// A Service selector is a plain label map.
function mapSelects(selector, labels) {
  if (!selector || !Object.keys(selector).length) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

// Which Backplan service a container runs, from its command; null if none.
export function serviceOfContainer(c) {
  const cmd = [...(c.command ?? []), ...(c.args ?? [])][0];
  if (typeof cmd !== 'string') return null;
  const m = /(?:^|\/)backplan-([a-z]+)$/.exec(cmd);
  return m && SERVICES[m[1]] ? m[1] : null;
}

// Flag values given on the command line: { flag: value }.
function argFlags(c) {
  const out = {};
  const argv = [...(c.command ?? []).slice(1), ...(c.args ?? [])];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([a-z0-9_]+)(?:=(.*))?$/.exec(String(argv[i]));
    if (!m) continue;
    if (m[2] !== undefined) out[m[1]] = m[2];
    else if (i + 1 < argv.length && !String(argv[i + 1]).startsWith('-')) out[m[1]] = String(argv[++i]);
    else out[m[1]] = 'true';
  }
  return out;
}

export function policyCheck(objs, { profile = 'dev', expectNetworkPolicies = false, expectManagedRedis = false, expectRedisCluster = false, treeFlags = null } = {}) {
  // Which flags a service binary takes: from the tree when it defines them,
  // else the documented set.
  // else the documented set. Known = documented flags of this service plus
  // whatever the tree defines for it (libs/, services/common/,
  // services/<name>/): a partly written tree never hides a documented flag.
  // Whether the tree defines every flag the manifests use is checked apart,
  // by check-dockerfile.mjs.
  const documented = (service, flag) => flag in FLAGS && (!SERVICE_ONLY_FLAGS[flag] || SERVICE_ONLY_FLAGS[flag].includes(service));
  const inTree = (service, flag) => !!treeFlags && (treeFlags.common.has(flag) || !!treeFlags.perService[service]?.has(flag));
  const knownFlag = (service, flag) => documented(service, flag) || inTree(service, flag);
  const knownFlagNames = (service) => [...new Set([...Object.keys(FLAGS).filter((f) => documented(service, f)),
    ...(treeFlags ? [...treeFlags.common, ...(treeFlags.perService[service] ?? [])] : [])])].sort();
  const failures = [];
  const fail = (obj, field, message) => failures.push({ object: typeof obj === 'string' ? obj : idOf(obj), field, message });
  const byKind = (kind) => objs.filter((o) => o.kind === kind);
  const find = (kind, name) => objs.find((o) => o.kind === kind && o.metadata?.name === name);

  // Namespace: one for everything, and rendered.
  const namespaces = new Set(objs.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata?.namespace));
  for (const o of objs) {
    if (o.kind !== 'Namespace' && !o.metadata?.namespace) fail(o, 'metadata.namespace', 'missing: every object must be namespaced by the overlay');
  }
  if (namespaces.size > 1) fail('(render)', 'metadata.namespace', `objects span several namespaces: ${[...namespaces].join(', ')}`);

  const workloads = objs.filter((o) => WORKLOAD_KINDS.has(o.kind));
  const configMaps = byKind('ConfigMap');
  const secrets = byKind('Secret');

  // Effective value of a flag for a service container: flag, then env, then
  // envFrom ConfigMap, then the binary's default.
  function effective(c, service, flag) {
    const args = argFlags(c);
    if (args[flag] !== undefined) return { value: args[flag], from: `args --${flag}` };
    const envName = `BACKPLAN_${flag.toUpperCase()}`;
    const env = (c.env ?? []).find((e) => e.name === envName);
    if (env) {
      if (env.value !== undefined) return { value: env.value, from: `env ${envName}` };
      const ref = env.valueFrom?.configMapKeyRef;
      if (ref) return { value: find('ConfigMap', ref.name)?.data?.[ref.key], from: `ConfigMap ${ref.name}` };
      return { value: undefined, from: `env ${envName} (secret)` };
    }
    for (const ef of c.envFrom ?? []) {
      const cm = ef.configMapRef && find('ConfigMap', ef.configMapRef.name);
      const key = (ef.prefix ?? '') ? null : envName;
      if (cm && key && cm.data?.[key] !== undefined) return { value: cm.data[key], from: `ConfigMap ${cm.metadata.name}` };
    }
    if (flag === 'port') return { value: String(SERVICES[service].port), from: 'default' };
    if (flag === 'metrics_port') return { value: String(SERVICES[service].metricsPort), from: 'default' };
    return { value: FLAGS[flag] ?? undefined, from: 'default' };
  }

  const servicesSeen = {};
  let redisWorkload = null;
  const redisClusterWorkloads = [];  // components/redis-cluster

  for (const w of workloads) {
    const spec = podSpecOf(w);
    const pp = podPath(w);
    if (!spec) { fail(w, pp, 'missing pod template'); continue; }
    const labels = podLabelsOf(w);
    const psc = spec.securityContext ?? {};
    const annotations = w.metadata?.annotations ?? {};
    const externalSecrets = new Set(String(annotations[EXTERNAL_SECRETS_ANNOTATION] ?? '').split(',').map((s) => s.trim()).filter(Boolean));

    // Service account, no token.
    if (spec.automountServiceAccountToken !== false) fail(w, `${pp}.automountServiceAccountToken`, 'must be false');
    if (!spec.serviceAccountName || spec.serviceAccountName === 'default') {
      fail(w, `${pp}.serviceAccountName`, 'must name the workload\'s own ServiceAccount');
    } else {
      const sa = find('ServiceAccount', spec.serviceAccountName);
      if (!sa) fail(w, `${pp}.serviceAccountName`, `ServiceAccount ${spec.serviceAccountName} is not rendered`);
      else if (sa.automountServiceAccountToken !== false) fail(sa, 'automountServiceAccountToken', 'must be false');
    }
    if (spec.enableServiceLinks !== false) fail(w, `${pp}.enableServiceLinks`, 'must be false (service links inject BACKPLAN_*_PORT variables that collide with flag env fallbacks)');
    for (const k of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[k]) fail(w, `${pp}.${k}`, 'must not be set');
    for (const [i, v] of (spec.volumes ?? []).entries()) if (v.hostPath) fail(w, `${pp}.volumes[${i}].hostPath`, 'hostPath volumes are not allowed');

    if (typeof spec.terminationGracePeriodSeconds !== 'number') fail(w, `${pp}.terminationGracePeriodSeconds`, 'must be set explicitly');

    // Topology spread across nodes.
    const tscs = spec.topologySpreadConstraints ?? [];
    const nodeSpread = tscs.find((t) => t.topologyKey === 'kubernetes.io/hostname');
    if (!nodeSpread) fail(w, `${pp}.topologySpreadConstraints`, 'needs a constraint with topologyKey kubernetes.io/hostname');
    else if (!selectorMatches(nodeSpread.labelSelector, labels)) fail(w, `${pp}.topologySpreadConstraints[hostname].labelSelector`, 'does not select this workload\'s pods');

    // Referenced ConfigMaps and Secrets exist (and keys).
    const checkSecretRef = (field, name, key) => {
      if (externalSecrets.has(name)) return;
      const s = find('Secret', name);
      if (!s) { fail(w, field, `Secret ${name} is not rendered (list it in annotation ${EXTERNAL_SECRETS_ANNOTATION} if it is created out of band)`); return; }
      if (key && !(key in (s.data ?? {})) && !(key in (s.stringData ?? {}))) fail(w, field, `Secret ${name} has no key ${key}`);
    };
    const checkConfigMapRef = (field, name, key) => {
      const cm = find('ConfigMap', name);
      if (!cm) { fail(w, field, `ConfigMap ${name} is not rendered`); return; }
      if (key && !(key in (cm.data ?? {}))) fail(w, field, `ConfigMap ${name} has no key ${key}`);
    };
    for (const [i, v] of (spec.volumes ?? []).entries()) {
      if (v.secret) checkSecretRef(`${pp}.volumes[${i}].secret.secretName`, v.secret.secretName);
      if (v.configMap) checkConfigMapRef(`${pp}.volumes[${i}].configMap.name`, v.configMap.name);
    }

    const containers = [...(spec.initContainers ?? []).map((c, i) => [c, `${pp}.initContainers[${i}]`]),
      ...(spec.containers ?? []).map((c, i) => [c, `${pp}.containers[${i}]`])];
    for (const [c, cp] of containers) {
      const isInit = cp.includes('initContainers');
      const csc = c.securityContext ?? {};
      const eff = (k) => (csc[k] !== undefined ? csc[k] : psc[k]);
      if (eff('runAsNonRoot') !== true) fail(w, `${cp}.securityContext.runAsNonRoot`, 'must be true (container or pod)');
      for (const k of ['runAsUser', 'runAsGroup']) {
        const v = eff(k);
        if (typeof v !== 'number' || v <= 0) fail(w, `${cp}.securityContext.${k}`, `must be a non-zero id (container or pod), got ${v}`);
      }
      if (csc.readOnlyRootFilesystem !== true) fail(w, `${cp}.securityContext.readOnlyRootFilesystem`, 'must be true');
      if (csc.allowPrivilegeEscalation !== false) fail(w, `${cp}.securityContext.allowPrivilegeEscalation`, 'must be false');
      if (csc.privileged) fail(w, `${cp}.securityContext.privileged`, 'must not be true');
      if (!(csc.capabilities?.drop ?? []).includes('ALL')) fail(w, `${cp}.securityContext.capabilities.drop`, 'must include ALL');
      if ((csc.capabilities?.add ?? []).length) fail(w, `${cp}.securityContext.capabilities.add`, 'must be empty');
      const seccomp = csc.seccompProfile ?? psc.seccompProfile;
      if (seccomp?.type !== 'RuntimeDefault') fail(w, `${cp}.securityContext.seccompProfile.type`, 'must be RuntimeDefault (container or pod)');

      // Image pinned by tag.
      const image = String(c.image ?? '');
      const noDigest = image.split('@')[0];
      const lastPart = noDigest.split('/').pop();
      const tag = lastPart.includes(':') ? lastPart.split(':').pop() : null;
      if (!tag) fail(w, `${cp}.image`, `must be pinned by tag: ${image}`);
      else if (tag === 'latest') fail(w, `${cp}.image`, `must not use the tag latest: ${image}`);
      if (c.imagePullPolicy === 'Always') fail(w, `${cp}.imagePullPolicy`, 'pinned images need no Always');

      // Requests and limits.
      for (const kind of ['requests', 'limits']) {
        for (const r of ['cpu', 'memory']) {
          const q = c.resources?.[kind]?.[r];
          if (q === undefined) fail(w, `${cp}.resources.${kind}.${r}`, 'must be set');
          else if (!(parseQuantity(q) > 0)) fail(w, `${cp}.resources.${kind}.${r}`, `not a positive quantity: ${q}`);
        }
      }
      for (const r of ['cpu', 'memory']) {
        const req = parseQuantity(c.resources?.requests?.[r]);
        const lim = parseQuantity(c.resources?.limits?.[r]);
        if (req > lim) fail(w, `${cp}.resources.requests.${r}`, `request ${c.resources.requests[r]} exceeds limit ${c.resources.limits[r]}`);
      }

      // Config references.
      for (const [i, e] of (c.env ?? []).entries()) {
        if (e.valueFrom?.secretKeyRef) checkSecretRef(`${cp}.env[${i}].valueFrom.secretKeyRef`, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
        if (e.valueFrom?.configMapKeyRef) checkConfigMapRef(`${cp}.env[${i}].valueFrom.configMapKeyRef`, e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.key);
      }
      for (const [i, ef] of (c.envFrom ?? []).entries()) {
        if (ef.configMapRef) checkConfigMapRef(`${cp}.envFrom[${i}].configMapRef.name`, ef.configMapRef.name);
        if (ef.secretRef) checkSecretRef(`${cp}.envFrom[${i}].secretRef.name`, ef.secretRef.name);
      }

      // Jobs run to completion: no probes, and not a Redis or a service.
      if (isInit || w.kind === 'Job' || w.kind === 'CronJob') continue;
      // Every long-running container has all three probes, each with an
      // explicit timeout.
      for (const p of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        if (!c[p]) fail(w, `${cp}.${p}`, 'missing');
        else if (typeof c[p].timeoutSeconds !== 'number') fail(w, `${cp}.${p}.timeoutSeconds`, 'must be set explicitly');
      }

      const service = serviceOfContainer(c);
      if (service) {
        checkServiceContainer(w, c, cp, service, spec, pp, labels);
        (servicesSeen[service] ??= []).push(w);
      } else if (labels['app.kubernetes.io/name'] === 'backplan-redis-cluster') {
        redisClusterWorkloads.push({ w, c, cp, spec, pp, labels });
      } else if (/(^|\/)redis(:|@)/.test(image) || labels['app.kubernetes.io/name'] === 'backplan-redis') {
        redisWorkload = { w, c, cp, spec, pp, labels };
      }
    }
  }

  function portOf(c, name) {
    return (c.ports ?? []).find((p) => p.name === name)?.containerPort;
  }

  function checkServiceContainer(w, c, cp, service, spec, pp, labels) {
    const want = `${BINARY_DIR}/backplan-${service}`;
    if ((c.command ?? [])[0] !== want) fail(w, `${cp}.command`, `must be [${want}]`);
    if (w.kind !== 'Deployment') fail(w, 'kind', `service ${service} must run as a Deployment`);

    // Flags and env: only the flags the binaries take.
    for (const flag of Object.keys(argFlags(c))) {
      if (!knownFlag(service, flag)) fail(w, `${cp}.args`, `unknown flag --${flag}: backplan-${service} takes ${knownFlagNames(service).map((f) => `--${f}`).join(', ')}`);
    }
    const envNames = new Set((c.env ?? []).map((e) => e.name));
    for (const ef of c.envFrom ?? []) {
      const cm = ef.configMapRef && find('ConfigMap', ef.configMapRef.name);
      for (const k of Object.keys(cm?.data ?? {})) envNames.add(`${ef.prefix ?? ''}${k}`);
    }
    for (const n of envNames) {
      const m = /^BACKPLAN_(.+)$/.exec(n);
      if (m && !knownFlag(service, m[1].toLowerCase())) fail(w, `${cp}.env`, `${n} matches no flag of backplan-${service} (known: ${knownFlagNames(service).map((f) => `BACKPLAN_${f.toUpperCase()}`).join(', ')})`);
    }

    // Ports.
    const grpcPort = portOf(c, 'grpc');
    const metricsPort = portOf(c, 'http-metrics');
    if (!grpcPort) fail(w, `${cp}.ports`, 'needs a port named grpc');
    if (!metricsPort) fail(w, `${cp}.ports`, 'needs a port named http-metrics');
    const port = effective(c, service, 'port');
    const mport = effective(c, service, 'metrics_port');
    if (grpcPort && String(grpcPort) !== String(port.value)) fail(w, `${cp}.ports[grpc].containerPort`, `${grpcPort} but the binary listens on ${port.value} (${port.from})`);
    if (metricsPort && String(metricsPort) !== String(mport.value)) fail(w, `${cp}.ports[http-metrics].containerPort`, `${metricsPort} but the binary serves metrics on ${mport.value} (${mport.from})`);

    // Authentication: required, never none in a cluster; TLS and the
    // mode's file given; probes then go to the plaintext health-only port.
    const auth = effective(c, service, 'auth');
    const healthPort = Number(effective(c, service, 'health_port').value ?? 0);
    if (auth.value === undefined || auth.value === '') fail(w, `${cp}.args`, '--auth is missing (the binary refuses to start without it)');
    else if (auth.value === 'none') fail(w, `${cp}.args`, `runs --auth=none (${auth.from}): any pod could act for any tenant; use mtls or token`);
    else if (!['mtls', 'token'].includes(auth.value)) fail(w, `${cp}.args`, `--auth=${auth.value} is not mtls or token`);
    else {
      const need = ['tls_cert', 'tls_key', ...(auth.value === 'mtls' ? ['tls_client_ca', 'auth_identities'] : ['auth_tokens'])];
      for (const flag of need) if (!effective(c, service, flag).value) fail(w, `${cp}.args`, `--auth=${auth.value} needs --${flag}`);
      if (!(healthPort > 0)) fail(w, `${cp}.args`, `--auth=${auth.value} needs --health_port: probes speak neither TLS nor client certificates`);
    }
    const probePort = healthPort > 0 ? healthPort : grpcPort;

    // Native gRPC probes on the process health entry "".
    for (const p of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const probe = c[p];
      if (!probe) continue;
      if (!probe.grpc) { fail(w, `${cp}.${p}.grpc`, 'must be a native gRPC probe'); continue; }
      if (probePort && probe.grpc.port !== probePort) fail(w, `${cp}.${p}.grpc.port`, `${probe.grpc.port} is not the ${healthPort > 0 ? 'health' : 'grpc'} port ${probePort}`);
      if ((probe.grpc.service ?? '') !== '') fail(w, `${cp}.${p}.grpc.service`, `must be "" (process health; "backplan.store" would take pods out when Redis is down), got "${probe.grpc.service}"`);
    }

    // Shutdown: the pod's grace must cover preStop + the service's drain.
    const grace = Number(effective(c, service, 'grace_period_s').value);
    let preStop = 0;
    const ps = c.lifecycle?.preStop;
    if (ps?.sleep) preStop = Number(ps.sleep.seconds) || 0;
    else if (ps?.exec?.command) {
      const m = /sleep\s+([0-9]+)/.exec(ps.exec.command.join(' '));
      if (m) preStop = Number(m[1]);
    }
    const tgps = spec.terminationGracePeriodSeconds;
    if (!Number.isFinite(grace)) fail(w, `${cp}.args`, 'grace_period_s is not a number');
    else if (typeof tgps === 'number' && !(tgps > grace + preStop)) {
      fail(w, `${pp}.terminationGracePeriodSeconds`, `${tgps} must exceed preStop ${preStop}s + --grace_period_s ${grace}s`);
    }
    const lv = c.livenessProbe;
    if (lv && Number.isFinite(grace) && (lv.periodSeconds ?? 10) * (lv.failureThreshold ?? 3) < grace) {
      fail(w, `${cp}.livenessProbe`, `kills a draining pod (NOT_SERVING) after ${(lv.periodSeconds ?? 10) * (lv.failureThreshold ?? 3)}s, before its ${grace}s grace`);
    }

    // Redis password from a Secret; settings from a ConfigMap.
    const pw = (c.env ?? []).find((e) => e.name === 'BACKPLAN_REDIS_PASSWORD');
    if (!pw?.valueFrom?.secretKeyRef) fail(w, `${cp}.env[BACKPLAN_REDIS_PASSWORD]`, 'must come from a Secret (valueFrom.secretKeyRef)');
    const redis = effective(c, service, 'redis');
    const seeds = effective(c, service, 'redis_cluster');
    if (seeds.value) {
      // On a Redis Cluster: seeds from a ConfigMap, and no --redis beside
      // them (the binary refuses both at once and exits 2).
      if (!seeds.from.startsWith('ConfigMap')) fail(w, `${cp}.envFrom`, `BACKPLAN_REDIS_CLUSTER must come from a ConfigMap, got ${seeds.from}`);
      if (String(redis.value) !== FLAGS.redis) fail(w, `${cp}.env[BACKPLAN_REDIS]`, `BACKPLAN_REDIS=${redis.value} beside BACKPLAN_REDIS_CLUSTER: the service refuses both (--redis and --redis_cluster are mutually exclusive)`);
      for (const seed of String(seeds.value).split(',')) {
        if (!/^[^:\s]+:[0-9]+$/.test(seed)) fail(w, `${cp}.env[BACKPLAN_REDIS_CLUSTER]`, `seed "${seed}" is not host:port`);
      }
    } else {
      if (!redis.from.startsWith('ConfigMap')) fail(w, `${cp}.envFrom`, `BACKPLAN_REDIS must come from a ConfigMap, got ${redis.from}`);
      if (!/^[^:\s]+:[0-9]+$/.test(String(redis.value ?? ''))) fail(w, `${cp}.env[BACKPLAN_REDIS]`, `must be host:port, got ${redis.value}`);
    }

    // Scheduling reaches prioritization through the headless Service, dns:///.
    if (service === 'scheduling') {
      const addr = effective(c, service, 'prioritization_address');
      const m = /^dns:\/\/\/([^:/.]+)(?:\.[^:/]*)?:([0-9]+)$/.exec(String(addr.value ?? ''));
      if (!m) fail(w, `${cp}.args`, `--prioritization_address must be dns:///<headless service>:<port>, got ${addr.value}`);
      else {
        const svc = find('Service', m[1]);
        if (!svc) fail(w, `${cp}.args`, `--prioritization_address names Service ${m[1]}, which is not rendered`);
        else {
          if (svc.spec?.clusterIP !== 'None') fail(w, `${cp}.args`, `--prioritization_address must use a headless Service (clusterIP: None); ${m[1]} is not`);
          const prio = workloads.find((x) => (podSpecOf(x)?.containers ?? []).some((cc) => serviceOfContainer(cc) === 'prioritization'));
          if (prio && !mapSelects(svc.spec?.selector, podLabelsOf(prio))) fail(w, `${cp}.args`, `Service ${m[1]} does not select the prioritization pods`);
          if (!(svc.spec?.ports ?? []).some((p) => String(p.port) === m[2])) fail(w, `${cp}.args`, `Service ${m[1]} has no port ${m[2]}`);
        }
      }
    }

    // Services: one headless and one regular, ports grpc and http-metrics.
    const selecting = byKind('Service').filter((s) => mapSelects(s.spec?.selector, labels));
    const headless = selecting.filter((s) => s.spec?.clusterIP === 'None');
    const regular = selecting.filter((s) => s.spec?.clusterIP !== 'None');
    if (!headless.length) fail(w, 'Service', `no headless Service (clusterIP: None) selects the ${service} pods`);
    if (!regular.length) fail(w, 'Service', `no regular Service selects the ${service} pods`);
    for (const s of selecting) {
      for (const [name, cport] of [['grpc', grpcPort], ['http-metrics', metricsPort]]) {
        const p = (s.spec?.ports ?? []).find((x) => x.name === name);
        if (!p) { fail(s, 'spec.ports', `needs a port named ${name}`); continue; }
        const tp = p.targetPort ?? p.port;
        if (tp !== name && tp !== cport) fail(s, `spec.ports[${name}].targetPort`, `${tp} does not reach container port ${name} (${cport})`);
      }
    }

    // Production: redundancy, autoscaling, disruption budget.
    if (profile === 'prod') {
      if (!(w.spec?.replicas >= 2)) fail(w, 'spec.replicas', `must be >= 2 in prod, got ${w.spec?.replicas}`);
      const hpas = byKind('HorizontalPodAutoscaler').filter((h) => h.spec?.scaleTargetRef?.kind === w.kind && h.spec?.scaleTargetRef?.name === w.metadata.name);
      if (!hpas.length) fail(w, 'HorizontalPodAutoscaler', 'none targets this Deployment');
      for (const h of hpas) {
        if (h.apiVersion !== 'autoscaling/v2') fail(h, 'apiVersion', 'must be autoscaling/v2');
        if (!(h.spec.minReplicas >= 2)) fail(h, 'spec.minReplicas', `must be >= 2, got ${h.spec.minReplicas}`);
        if (!(h.spec.maxReplicas > (h.spec.minReplicas ?? 1))) fail(h, 'spec.maxReplicas', 'must exceed minReplicas');
        if (!(h.spec.metrics ?? []).some((m) => m.type === 'Resource' && m.resource?.name === 'cpu')) fail(h, 'spec.metrics', 'needs a Resource metric on cpu');
      }
      const pdbs = byKind('PodDisruptionBudget').filter((p) => selectorMatches(p.spec?.selector, labels));
      if (!pdbs.length) fail(w, 'PodDisruptionBudget', 'none selects this Deployment\'s pods');
      for (const p of pdbs) {
        if (p.spec.maxUnavailable !== undefined && !(parseInt(p.spec.maxUnavailable, 10) >= 1)) fail(p, 'spec.maxUnavailable', 'must allow at least one pod to be evicted (node drains)');
        if (p.spec.minAvailable !== undefined && !(Number(p.spec.minAvailable) < w.spec.replicas)) fail(p, 'spec.minAvailable', `must be below replicas (${w.spec.replicas}) or drains block`);
      }
    }
  }

  for (const name of Object.keys(SERVICES)) {
    if (!servicesSeen[name]) fail(`Deployment/backplan-${name}`, '(render)', `no workload runs ${BINARY_DIR}/backplan-${name}`);
    else if (servicesSeen[name].length > 1) fail(`Deployment/backplan-${name}`, '(render)', `${servicesSeen[name].length} workloads run backplan-${name}`);
  }

  // Redis: in-cluster StatefulSet, or a managed endpoint.
  const serviceContainers = workloads.flatMap((w) => (podSpecOf(w)?.containers ?? []).filter(serviceOfContainer).map((c) => [w, c]));
  const seedsOf = (c) => String(effective(c, serviceOfContainer(c), 'redis_cluster').value ?? '');
  const redisTargets = new Set(serviceContainers.filter(([, c]) => !seedsOf(c)).map(([, c]) => String(effective(c, serviceOfContainer(c), 'redis').value ?? '')));
  // Services on a Redis Cluster (--redis_cluster): each in-cluster seed
  // names a rendered Service, on its port, selecting the cluster's pods.
  const clusterSeeds = new Set(serviceContainers.flatMap(([, c]) => (seedsOf(c) ? seedsOf(c).split(',') : [])));
  for (const seed of clusterSeeds) {
    const [host, port] = seed.split(':');
    const svcName = host.split('.').length > 1 && /^backplan-redis-cluster-[0-9]+$/.test(host.split('.')[0]) ? host.split('.')[1] : host.split('.')[0];
    const svc = find('Service', svcName);
    if (!svc) {
      if (!expectManagedRedis) fail('ConfigMap', 'BACKPLAN_REDIS_CLUSTER', `${seed}: no Service ${svcName} is rendered`);
      continue;
    }
    if (svc.spec?.selector?.['app.kubernetes.io/name'] !== 'backplan-redis-cluster') fail(svc, 'spec.selector', `does not select the Redis Cluster pods (BACKPLAN_REDIS_CLUSTER=${seed})`);
    if (!(svc.spec?.ports ?? []).some((p) => String(p.port) === port)) fail(svc, 'spec.ports', `has no port ${port} (BACKPLAN_REDIS_CLUSTER=${seed})`);
  }
  if (redisWorkload) {
    if (expectManagedRedis) fail(redisWorkload.w, '(render)', 'managed Redis was requested but the in-cluster Redis is still rendered');
    checkRedis(redisWorkload, redisTargets);
  } else if (!expectManagedRedis) {
    fail('StatefulSet/backplan-redis', '(render)', 'no in-cluster Redis rendered and managed Redis not requested');
  } else {
    for (const t of redisTargets) {
      const host = t.split(':')[0];
      if (find('Service', host)) fail('ConfigMap', 'BACKPLAN_REDIS', `managed Redis requested but BACKPLAN_REDIS=${t} points at an in-cluster Service`);
      if (/^backplan-redis/.test(host) || host === '127.0.0.1' || host === 'localhost') fail('ConfigMap', 'BACKPLAN_REDIS', `managed Redis requested but BACKPLAN_REDIS=${t} points at no managed endpoint`);
    }
  }

  // Redis Cluster (components/redis-cluster, issue 28): the single Redis's
  // durability rules plus cluster mode, the bus port reachable through the
  // headless Service, and a bootstrap Job that forms 3 masters + replicas.
  if (expectRedisCluster && !redisClusterWorkloads.length) fail('StatefulSet/backplan-redis-cluster', '(render)', 'the redis-cluster component was requested but no cluster is rendered');
  for (const rc of redisClusterWorkloads) checkRedisCluster(rc);
  function redisConfOf(w, c, spec, pp) {
    const confVolume = (spec.volumes ?? []).find((v) => v.configMap && (c.volumeMounts ?? []).some((m) => m.name === v.name));
    const cm = confVolume && find('ConfigMap', confVolume.configMap.name);
    const conf = Object.entries(cm?.data ?? {}).find(([k]) => k.endsWith('.conf'));
    if (!conf) { fail(w, `${pp}.volumes`, 'redis.conf must come from a mounted ConfigMap'); return null; }
    const settings = {};
    for (const line of conf[1].split('\n')) {
      const m = /^\s*([a-z-]+)\s+(.*?)\s*$/.exec(line);
      if (m && !line.trim().startsWith('#')) settings[m[1]] = m[2];
    }
    return { cm, key: conf[0], settings };
  }
  function checkRedisCluster({ w, c, cp, spec, pp, labels }) {
    if (w.kind !== 'StatefulSet') fail(w, 'kind', 'the Redis Cluster must be a StatefulSet');
    if (!(w.spec?.replicas >= 6)) fail(w, 'spec.replicas', `3 masters with a replica each need 6 pods, got ${w.spec?.replicas}`);
    const vcts = new Set((w.spec?.volumeClaimTemplates ?? []).map((v) => v.metadata?.name));
    const dataMount = (c.volumeMounts ?? []).find((m) => vcts.has(m.name));
    if (!dataMount) fail(w, `${cp}.volumeMounts`, 'does not mount a volumeClaimTemplate');
    const conf = redisConfOf(w, c, spec, pp);
    if (conf) {
      const want = { 'cluster-enabled': 'yes', appendonly: 'yes', appendfsync: 'always', 'maxmemory-policy': 'noeviction' };
      for (const [k, v] of Object.entries(want)) {
        if (conf.settings[k] !== v) fail(conf.cm, `data["${conf.key}"].${k}`, `must be "${v}", got ${conf.settings[k] === undefined ? 'unset' : `"${conf.settings[k]}"`}`);
      }
      if ('requirepass' in conf.settings || 'masterauth' in conf.settings) fail(conf.cm, `data["${conf.key}"]`, 'requirepass/masterauth belong in a Secret, not the ConfigMap');
      const nodes = conf.settings['cluster-config-file'];
      const dir = conf.settings.dir;
      const onVolume = nodes && dataMount && (nodes.startsWith(`${dataMount.mountPath}/`) || (!nodes.startsWith('/') && dir === dataMount.mountPath));
      if (!onVolume) fail(conf.cm, `data["${conf.key}"].cluster-config-file`, `${nodes ?? 'unset'} is not on the volume: a restarted pod would rejoin as a new node`);
    }
    const script = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
    if (!/masterauth/.test(script) || !(spec.volumes ?? []).some((v) => v.secret)) fail(w, cp, 'requirepass and masterauth must come from a mounted Secret (replicas authenticate to their master)');
    const busPort = (c.ports ?? []).find((p) => p.containerPort === 16379);
    if (!busPort) fail(w, `${cp}.ports`, 'needs the cluster bus port 16379');
    const headless = byKind('Service').find((s) => s.spec?.clusterIP === 'None' && mapSelects(s.spec?.selector, labels));
    if (!headless) fail(w, 'Service', 'no headless Service selects the cluster pods');
    else {
      if (w.spec?.serviceName !== headless.metadata.name) fail(w, 'spec.serviceName', `must be the headless Service ${headless.metadata.name}`);
      if (!(headless.spec?.ports ?? []).some((p) => Number(p.port) === 16379)) fail(headless, 'spec.ports', 'needs the cluster bus port 16379');
      if (headless.spec?.publishNotReadyAddresses !== true) fail(headless, 'spec.publishNotReadyAddresses', 'must be true: nodes meet before they are ready');
    }
    const jobs = byKind('Job').filter((j) => (podSpecOf(j)?.containers ?? []).some((jc) => /--cluster create/.test([...(jc.command ?? []), ...(jc.args ?? [])].join(' '))));
    if (!jobs.length) fail(w, '(render)', 'no Job runs redis-cli --cluster create');
    for (const j of jobs) {
      const text = (podSpecOf(j).containers ?? []).map((jc) => [...(jc.command ?? []), ...(jc.args ?? [])].join(' ')).join(' ');
      if (!/--cluster-replicas 1\b/.test(text)) fail(j, 'spec.template.spec.containers', '--cluster create needs --cluster-replicas 1');
      if (!/cluster_slots_assigned:16384/.test(text)) fail(j, 'spec.template.spec.containers', 'must skip --cluster create when the cluster already holds its slots (a re-run would fail or reset it)');
    }
  }
  function checkRedis({ w, c, cp, spec, pp, labels }, targets) {
    if (w.kind !== 'StatefulSet') fail(w, 'kind', 'Redis must be a StatefulSet');
    const vcts = w.spec?.volumeClaimTemplates ?? [];
    if (!vcts.length) fail(w, 'spec.volumeClaimTemplates', 'Redis needs a persistent volume');
    const vctNames = new Set(vcts.map((v) => v.metadata?.name));
    const dataMount = (c.volumeMounts ?? []).find((m) => vctNames.has(m.name));
    if (!dataMount) fail(w, `${cp}.volumeMounts`, 'does not mount the volumeClaimTemplate');

    // redis.conf from a ConfigMap.
    const confVolume = (spec.volumes ?? []).find((v) => v.configMap && (c.volumeMounts ?? []).some((m) => m.name === v.name));
    const cm = confVolume && find('ConfigMap', confVolume.configMap.name);
    const confs = Object.entries(cm?.data ?? {});
    const conf = confs.find(([k]) => k === 'redis.conf') ?? confs.find(([k]) => k.endsWith('.conf'));
    if (!conf) fail(w, `${pp}.volumes`, 'redis.conf must come from a mounted ConfigMap');
    else {
      const settings = {};
      for (const line of conf[1].split('\n')) {
        const m = /^\s*([a-z-]+)\s+(.*?)\s*$/.exec(line);
        if (m && !line.trim().startsWith('#')) settings[m[1]] = m[2];
      }
      const want = { appendonly: 'yes', appendfsync: 'always', 'maxmemory-policy': 'noeviction' };
      for (const [k, v] of Object.entries(want)) {
        if (settings[k] !== v) fail(cm, `data["${conf[0]}"].${k}`, `must be "${v}", got ${settings[k] === undefined ? 'unset' : `"${settings[k]}"`}`);
      }
      if ('requirepass' in settings) fail(cm, `data["${conf[0]}"].requirepass`, 'the password belongs in a Secret, not the ConfigMap');
      if (dataMount && settings.dir && settings.dir !== dataMount.mountPath) fail(cm, `data["${conf[0]}"].dir`, `"${settings.dir}" is not the volume's mount path ${dataMount.mountPath}`);
    }
    // requirepass from a Secret.
    const secretVolume = (spec.volumes ?? []).some((v) => v.secret && (c.volumeMounts ?? []).some((m) => m.name === v.name));
    const secretEnv = (c.env ?? []).some((e) => e.valueFrom?.secretKeyRef);
    if (!secretVolume && !secretEnv) fail(w, `${cp}`, 'the Redis password (requirepass) must come from a Secret');
    // A ping or TCP probe.
    for (const p of ['readinessProbe', 'livenessProbe']) {
      const probe = c[p];
      if (!probe) continue;
      const ok = probe.tcpSocket || (probe.exec && /redis-cli.*ping/.test((probe.exec.command ?? []).join(' ')));
      if (!ok) fail(w, `${cp}.${p}`, 'must be a TCP probe or redis-cli ping');
    }
    // The services point at a Service that selects it.
    const redisPort = (c.ports ?? []).find((p) => p.containerPort === 6379 || p.name === 'redis');
    for (const t of targets) {
      const [host, port] = t.split(':');
      const svc = find('Service', host);
      if (!svc) { fail('ConfigMap', 'BACKPLAN_REDIS', `${t}: no Service ${host} is rendered`); continue; }
      if (!mapSelects(svc.spec?.selector, labels)) fail(svc, 'spec.selector', 'does not select the Redis pods');
      const sp = (svc.spec?.ports ?? []).find((p) => String(p.port) === port);
      if (!sp) fail(svc, 'spec.ports', `has no port ${port} (BACKPLAN_REDIS=${t})`);
      else if (redisPort && sp.targetPort !== undefined && sp.targetPort !== redisPort.name && sp.targetPort !== redisPort.containerPort) fail(svc, 'spec.ports.targetPort', `${sp.targetPort} does not reach the Redis container port`);
    }
  }

  // Every Service selects something.
  const allPodLabels = workloads.map(podLabelsOf);
  for (const s of byKind('Service')) {
    if (!allPodLabels.some((l) => mapSelects(s.spec?.selector, l))) fail(s, 'spec.selector', 'selects no rendered workload');
  }

  // Network policies: default deny, DNS allowed, each serving port allowed.
  const nps = byKind('NetworkPolicy');
  if (expectNetworkPolicies && !nps.length) fail('NetworkPolicy', '(render)', 'network policies were requested but none is rendered');
  if (nps.length) {
    const empty = (sel) => !sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length);
    const deny = nps.find((n) => empty(n.spec?.podSelector) && ['Ingress', 'Egress'].every((t) => (n.spec?.policyTypes ?? []).includes(t)) && !(n.spec?.ingress ?? []).length && !(n.spec?.egress ?? []).length);
    if (!deny) fail('NetworkPolicy', 'spec', 'no default-deny policy (podSelector {} with Ingress and Egress and no rules)');
    for (const w of workloads) {
      const labels = podLabelsOf(w);
      const selecting = nps.filter((n) => selectorMatches(n.spec?.podSelector, labels));
      const dns = selecting.some((n) => (n.spec?.egress ?? []).some((r) => (r.ports ?? []).some((p) => Number(p.port) === 53)));
      if (!dns) fail(w, 'NetworkPolicy', 'no policy allows its pods DNS egress (port 53)');
      for (const c of podSpecOf(w)?.containers ?? []) {
        for (const p of c.ports ?? []) {
          const allowed = selecting.some((n) => (n.spec?.ingress ?? []).some((r) => !r.ports || r.ports.some((rp) => rp.port === p.name || rp.port === p.containerPort)));
          if (!allowed) fail(w, `NetworkPolicy`, `no policy allows ingress to port ${p.name ?? p.containerPort}`);
        }
      }
    }
  }

  return failures;
}

export function formatFailure(label, f) {
  return `FAIL ${label}: ${f.object} ${f.field}: ${f.message}`;
}
