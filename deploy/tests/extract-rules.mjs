// Writes the rule groups of a PrometheusRule manifest as a plain Prometheus
// rule file, for `promtool check rules` and `promtool test rules`.
//
//   node deploy/tests/extract-rules.mjs \
//     deploy/k8s/components/monitoring/prometheusrule.yaml > rules.yaml
import fs from 'node:fs';
import YAML from 'yaml';

const file = process.argv[2];
if (!file) {
  console.error('usage: extract-rules.mjs PROMETHEUSRULE.yaml');
  process.exit(2);
}
const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON());
const groups = docs.filter((d) => d?.kind === 'PrometheusRule').flatMap((d) => d.spec?.groups ?? []);
if (!groups.length) {
  console.error(`${file}: no PrometheusRule with rule groups`);
  process.exit(1);
}
process.stdout.write(YAML.stringify({ groups }, { lineWidth: 0 }));
