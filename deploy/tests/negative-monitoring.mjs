// Negative tests of the monitoring checks: each case breaks one promise of a
// good render with components/monitoring and expects the schema check
// (Prometheus Operator models) or monitoring.mjs to name it.
//
//   node deploy/tests/negative-monitoring.mjs rendered-dev+monitoring.yaml
//
// Prints PASS / FAIL lines, one per case; exits 1 on any FAIL.
import fs from 'node:fs';
import path from 'node:path';
import { parseManifests, schemaCheck } from './lib.mjs';
import { monitoringCheck } from './monitoring.mjs';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: negative-monitoring.mjs rendered.yaml');
  process.exit(2);
}
const good = parseManifests(fs.readFileSync(file, 'utf8'));
const readme = fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'README.md'), 'utf8');
const monitor = (o, name) => o.find((x) => x.kind === 'ServiceMonitor' && x.metadata.name === `backplan-${name}`);
const firstAlert = (o) => o.find((x) => x.kind === 'PrometheusRule').spec.groups[0].rules[0];
const dashboard = (o) => o.find((x) => x.kind === 'ConfigMap' && x.metadata.labels?.grafana_dashboard === '1');

const cases = [
  ['ServiceMonitor selects both Services', (o) => { delete monitor(o, 'scheduling').spec.selector.matchLabels['backplan.io/scrape']; return o; }, 'ServiceMonitor/backplan-scheduling spec.selector: selects 2 Services'],
  ['ServiceMonitor on a port the Service lacks', (o) => { monitor(o, 'decomposition').spec.endpoints[0].port = 'metrics'; return o; }, 'spec.endpoints[0].port'],
  ['ServiceMonitor interval malformed', (o) => { monitor(o, 'prioritization').spec.endpoints[0].interval = '15 seconds'; return o; }, 'spec.endpoints.0.interval'],
  ['no ServiceMonitor for a service', (o) => o.filter((x) => x !== monitor(o, 'scheduling')), 'want one ServiceMonitor for backplan-scheduling'],
  ['alert with a dead runbook anchor', (o) => { firstAlert(o).annotations.runbook_url += 'x'; return o; }, 'is no heading of deploy/README.md'],
  ['alert without severity', (o) => { delete firstAlert(o).labels; return o; }, 'labels.severity'],
  ['dashboard not JSON', (o) => { const d = dashboard(o); d.data[Object.keys(d.data)[0]] = '{"title":'; return o; }, 'not JSON'],
];

let failed = 0;
for (const [name, mutate, expect] of cases) {
  const objs = mutate(structuredClone(good));
  const failures = [...schemaCheck(objs), ...monitoringCheck(objs, readme)].map((f) => `${f.object} ${f.field}: ${f.message}`);
  const hit = failures.find((f) => f.includes(expect));
  if (hit) console.log(`PASS negative: ${name} -> ${hit}`);
  else {
    failed++;
    console.log(`FAIL negative: ${name}: expected a failure containing "${expect}", got ${failures.length ? failures.join(' | ') : 'none (the checker accepted a broken manifest)'}`);
  }
}
const baseline = [...schemaCheck(good), ...monitoringCheck(good, readme)];
if (baseline.length) { failed++; console.log(`FAIL negative: baseline monitoring render is not clean: ${baseline.map((f) => `${f.object} ${f.field}: ${f.message}`).join(' | ')}`); }
else console.log('PASS negative: baseline monitoring render passes');
process.exit(failed ? 1 : 0);
