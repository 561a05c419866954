// Copies the front-end files the web UI embeds from node_modules into
// internal/ui/static/vendor/. Run through `make assets` (npm ci first).
import { copyFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "internal/ui/static/vendor");
const files = {
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
  "echarts/dist/echarts.min.js": "echarts.min.js",
  "@picocss/pico/css/pico.min.css": "pico.min.css",
};

mkdirSync(out, { recursive: true });
for (const [from, to] of Object.entries(files)) {
  const src = join(root, "node_modules", from);
  if (!existsSync(src)) {
    console.error(`assets: ${src} is missing; run npm ci first`);
    process.exit(1);
  }
  copyFileSync(src, join(out, to));
  console.log(`assets: ${from} -> internal/ui/static/vendor/${to}`);
}
