// Checks of the `monitoring` component (deploy/k8s/components/monitoring) on
// rendered manifests, beside lib.mjs's schema and policy checks:
//   - one ServiceMonitor per service, selecting exactly one rendered Service
//     of that service (the headless one; two would double every target),
//     through a port that Service has;
//   - a PrometheusRule whose every alert has an expr, a severity and a
//     runbook_url whose anchor is a heading of deploy/README.md;
//   - the Grafana dashboard ConfigMap holds JSON with panels and queries.
// Returns failures { object, field, message } like lib.mjs.
//
//   const failures = monitoringCheck(objs, fs.readFileSync('deploy/README.md', 'utf8'));
import { SERVICES, idOf } from './lib.mjs';

// GitHub's anchor of a Markdown heading.
export function headingAnchors(markdown) {
  const anchors = new Set();
  for (const line of markdown.split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    anchors.add(m[1].trim().toLowerCase().replace(/[^\w\- ]/g, '').replaceAll(' ', '-'));
  }
  return anchors;
}

const selects = (matchLabels, labels) =>
  Object.entries(matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);

export function monitoringCheck(objs, readme) {
  const failures = [];
  const fail = (obj, field, message) => failures.push({ object: typeof obj === 'string' ? obj : idOf(obj), field, message });
  const byKind = (kind) => objs.filter((o) => o.kind === kind);

  const monitors = byKind('ServiceMonitor');
  for (const name of Object.keys(SERVICES)) {
    const app = `backplan-${name}`;
    const mine = monitors.filter((m) => m.spec?.selector?.matchLabels?.['app.kubernetes.io/name'] === app);
    if (mine.length !== 1) {
      fail(`ServiceMonitor/${app}`, '(render)', `want one ServiceMonitor for ${app}, found ${mine.length}`);
      continue;
    }
    const m = mine[0];
    const services = byKind('Service').filter((s) => selects(m.spec.selector.matchLabels, s.metadata?.labels));
    if (services.length !== 1) {
      fail(m, 'spec.selector', `selects ${services.length} Services (${services.map((s) => s.metadata.name).join(', ')}), want exactly one`);
      continue;
    }
    for (const [i, e] of (m.spec.endpoints ?? []).entries()) {
      if (!(services[0].spec?.ports ?? []).some((p) => p.name === e.port)) {
        fail(m, `spec.endpoints[${i}].port`, `Service ${services[0].metadata.name} has no port "${e.port}"`);
      }
    }
    if (!(m.spec.endpoints ?? []).length) fail(m, 'spec.endpoints', 'none');
  }

  const rules = byKind('PrometheusRule');
  if (!rules.length) fail('PrometheusRule', '(render)', 'none rendered');
  const anchors = headingAnchors(readme);
  for (const r of rules) {
    for (const [g, group] of (r.spec?.groups ?? []).entries()) {
      for (const [i, rule] of (group.rules ?? []).entries()) {
        if (!rule.alert) continue;
        const field = `spec.groups[${g}].rules[${i}]`;
        if (!rule.expr) fail(r, `${field}.expr`, `${rule.alert}: missing`);
        if (!rule.labels?.severity) fail(r, `${field}.labels.severity`, `${rule.alert}: missing`);
        const url = rule.annotations?.runbook_url ?? '';
        const anchor = url.split('#')[1];
        if (!anchor) fail(r, `${field}.annotations.runbook_url`, `${rule.alert}: no runbook anchor`);
        else if (!anchors.has(anchor)) fail(r, `${field}.annotations.runbook_url`, `${rule.alert}: #${anchor} is no heading of deploy/README.md`);
      }
    }
  }

  const dashboards = byKind('ConfigMap').filter((c) => c.metadata?.labels?.grafana_dashboard === '1');
  if (!dashboards.length) fail('ConfigMap', '(render)', 'no Grafana dashboard ConfigMap (label grafana_dashboard=1)');
  for (const c of dashboards) {
    for (const [key, text] of Object.entries(c.data ?? {})) {
      let d;
      try {
        d = JSON.parse(text);
      } catch (e) {
        fail(c, `data.${key}`, `not JSON: ${e.message}`);
        continue;
      }
      const exprs = (d.panels ?? []).flatMap((p) => (p.targets ?? []).map((t) => t.expr)).filter(Boolean);
      if (!d.title || !exprs.length) fail(c, `data.${key}`, 'a dashboard needs a title and panels with queries');
    }
  }
  return failures;
}
