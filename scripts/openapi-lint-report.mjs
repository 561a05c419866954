// openapi-lint-report.mjs reads the JSON report of `redocly lint
// --format=json` (the file named by its argument), prints each problem and
// fails when there is any error or warning: redocly itself fails on errors
// only, and the API's document is to have neither (`make openapi-lint`).
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
for (const p of report.problems) {
  console.error(`${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer ?? "?"}`);
}
console.log(`redocly lint: ${report.totals.errors} errors, ${report.totals.warnings} warnings`);
process.exit(report.totals.errors + report.totals.warnings > 0 ? 1 : 0);
