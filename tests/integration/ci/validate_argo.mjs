// Validates an Argo Workflow/WorkflowTemplate YAML file against Argo's own
// schema as shipped in @kubernetes-models/argo-workflows, and prints its DAG
// as JSON ({task: [dependencies]}) for the test to compare with the plan.
// usage: node validate_argo.mjs NODE_MODULES FILE
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [nm, file] = process.argv.slice(2);
const yaml = createRequire(nm + "/")("js-yaml");  // CommonJS in every version
const doc = yaml.load(readFileSync(file, "utf8"));
const kind = doc.kind === "WorkflowTemplate" ? "WorkflowTemplate" : "Workflow";
const mod = await import(`${nm}/@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/${kind}.js`);
try {
  new mod[kind](doc).validate();
} catch (e) {
  console.error(String(e.message || e));
  process.exit(1);
}
const main = doc.spec.templates.find((t) => t.name === doc.spec.entrypoint);
const dag = {};
for (const t of main.dag.tasks) dag[t.name] = t.dependencies || [];
console.log(JSON.stringify(dag));
