// Validates an Argo Workflow/WorkflowTemplate YAML file against Argo's own
// schema as shipped in @kubernetes-models/argo-workflows, and prints its DAG
// as JSON for the test to compare with the plan: {"tasks": {task: [deps]},
// "part_of": {task: part}, "parts": {part: [parts it depends on]}} (parts
// only when the plan was cut into dag templates of at most 200 tasks).
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
const templates = Object.fromEntries(doc.spec.templates.map((t) => [t.name, t]));
const out = { tasks: {}, part_of: {}, parts: {} };
for (const t of templates[doc.spec.entrypoint].dag.tasks) {
  const inner = templates[t.template];
  if (inner && inner.dag) {
    out.parts[t.name] = t.dependencies || [];
    for (const u of inner.dag.tasks) {
      out.tasks[u.name] = u.dependencies || [];
      out.part_of[u.name] = t.name;
    }
  } else {
    out.tasks[t.name] = t.dependencies || [];
  }
}
console.log(JSON.stringify(out));
