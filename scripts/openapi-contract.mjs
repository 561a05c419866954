// openapi-contract.mjs brings the OpenAPI sources (internal/api/openapi.json
// and the parts under internal/api/openapi/) to the API's conventions, in
// place, reading each file as it is now: every operation gets its area's
// tag, the 4xx responses the server's middleware and handlers can give it,
// and, when it is a POST that creates (201 or 202), the Idempotency-Key
// parameter and the Idempotent-Replayed header; every enum gets its type;
// the conditional requests (ETag, If-None-Match and 304, If-Match with 412
// and 428), Location and RateLimit-* headers are documented where they apply.
// It only adds what is missing, so it can run again after any edit.
// internal/api/openapi_test.go checks the same rules; `make openapi-lint`
// lints the merged document.
//
//	node scripts/openapi-contract.mjs
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const dir = new URL("../internal/api/", import.meta.url).pathname;
const files = ["openapi.json", ...readdirSync(join(dir, "openapi")).filter((f) => f.endsWith(".json")).sort().map((f) => join("openapi", f))];

// The area of a path, first match wins; the tags are declared in
// openapi.json's top-level tags.
const areas = [
  [/^\/api\/v1\/(auth|me)(\/|$)/, "auth"],
  [/^\/api\/v1\/users(\/|$)/, "users"],
  [/^\/api\/v1\/audit(\/|$)/, "audit"],
  [/^\/api\/v1\/calendar(\/|$)/, "calendar"],
  [/^\/api\/v1\/(regions|industries)(\/|$)/, "reference"],
  [/^\/api\/v1\/public\//, "public"],
  [/\/attachments(\/|$)/, "attachments"],
  [/^\/api\/v1\/(customers\/\{id\}\/card|card-template)/, "cards"],
  [/^\/api\/v1\/(contacts|customers\/\{id\}\/contacts)(\/|$)/, "contacts"],
  [/^\/api\/v1\/customers\/\{id\}\/interactions(\/|$)/, "interactions"],
  [/^\/api\/v1\/(complaints|complaint-rules|abnormalities|csat)(\/|$)|^\/api\/v1\/customers\/\{id\}\/complaint-counts$/, "complaints"],
  [/^\/api\/v1\/(customers|customer-fields)(\/|$)/, "customers"],
  [/^\/api\/v1\/service-orders(\/|$)/, "service-orders"],
  [/^\/api\/v1\/imports(\/|$)/, "imports"],
  [/^\/api\/v1\/notifications(\/|$)/, "notifications"],
  [/^\/api\/v1\/access-requests(\/|$)/, "access"],
  [/^\/api\/v1\/(system|ping|openapi\.json|validate)(\/|$)|^\/(healthz|readyz)$/, "system"],
];

const methods = ["get", "put", "post", "patch", "delete"];
const unsafe = new Set(["put", "post", "patch", "delete"]);
const ref = (name) => ({ $ref: `#/components/responses/${name}` });

// responsesFor lists the 4xx an operation can give, with the component
// that describes each.
function responsesFor(path, method, op) {
  // Every route can answer 400: a NUL in the address is refused before routing.
  const out = { 400: "BadRequest" };
  if (!path.startsWith("/api/v1/") || path === "/api/v1/openapi.json") return out;
  const secured = !(Array.isArray(op.security) && op.security.length === 0);
  out["400"] = "BadRequest"; // an unknown or malformed query parameter, malformed JSON
  if (secured) {
    out["401"] = "Unauthorized";
    out["403"] = "Forbidden";
  } else if (unsafe.has(method)) {
    out["403"] = "Forbidden"; // a cross-origin form post
  }
  if (path.includes("{")) out["404"] = "NotFound";
  if (unsafe.has(method) && !/\/(auth\/|validate$|reveal$|password$|read$)/.test(path)) out["409"] = "Conflict";
  const media = Object.keys(op.requestBody?.content ?? {});
  if (op.requestBody) {
    out["413"] = "PayloadTooLarge";
    out["415"] = "UnsupportedMediaType";
  }
  if (op.requestBody || unsafe.has(method)) out["422"] = "UnprocessableEntity";
  // Signing in and the public forms count requests per address (reading a status link does not).
  if (method === "post" && /^\/api\/v1\/(auth\/login|public\/)/.test(path)) out["429"] = "TooManyRequests";
  if (media.length === 0) delete out["415"];
  return out;
}

// versioned are the changes of a versioned record: they take If-Match
// (the version read) and answer 412 when it is stale and 428 when no
// version is given (internal/api versionFrom).
const versioned = [
  /^patch \/api\/v1\/(users\/\{username\}|customers\/\{id\}|contacts\/\{id\}|abnormalities\/\{id\})$/,
  /^delete \/api\/v1\/(customers|contacts)\/\{id\}$/,
  /^post \/api\/v1\/customers\/\{id\}\/merge$/,
  /^post \/api\/v1\/complaints\/\{id\}\/(transitions|link-customer)$/,
  /^post \/api\/v1\/service-orders\/\{id\}\/(dispatch|start|work|settlement|invoice|close)$/,
  /^put \/api\/v1\/service-orders\/\{id\}\/signature$/,
];

// schemaOf is the JSON schema of a response, its local $ref followed
// through the schemas of every file.
function schemaOf(res, schemas) {
  let s = res?.content?.["application/json"]?.schema;
  for (let i = 0; s?.$ref && i < 5; i++) s = schemas[s.$ref.replace("#/components/schemas/", "")];
  return s;
}

// conditionalHeaders documents the conditional-request behaviour of the
// API (internal/httpx apiWriter): a GET of one thing answering JSON sends
// an ETag and answers 304 to a matching If-None-Match; a versioned change
// takes If-Match, with 412 and 428; a 201 sends Location and ETag; a
// limited route sends RateLimit-* on its answers.
function conditionalHeaders(p, m, op, schemas) {
  const hdr = (name) => ({ $ref: `#/components/headers/${name}` });
  const param = (name) => ({ $ref: `#/components/parameters/${name}` });
  const addParam = (name) => {
    op.parameters ??= [];
    if (!op.parameters.some((x) => x.$ref === `#/components/parameters/${name}`)) op.parameters.push(param(name));
  };
  const inline = (op.parameters ?? []).findIndex((x) => x.name === "If-Match" && x.in === "header");
  if (inline >= 0) op.parameters.splice(inline, 1, param("IfMatch"));
  const declared = (op.parameters ?? []).some((x) => x.$ref === "#/components/parameters/IfMatch");
  if (declared || versioned.some((re) => re.test(`${m} ${p}`))) {
    addParam("IfMatch");
    op.responses["412"] ??= ref("PreconditionFailed");
    op.responses["428"] ??= ref("PreconditionRequired");
  }
  const ok = op.responses["200"];
  const body = schemaOf(ok, schemas);
  const list = body?.properties?.items !== undefined && body?.properties?.total !== undefined;
  if (m === "get" && p.startsWith("/api/") && body && !list) {
    addParam("IfNoneMatch");
    op.responses["304"] ??= ref("NotModified");
    if (!ok.$ref) {
      ok.headers ??= {};
      ok.headers.ETag ??= hdr("ETag");
    }
  }
  const created = op.responses["201"];
  if (created && !created.$ref) {
    created.headers ??= {};
    created.headers.Location ??= hdr("Location");
    created.headers.ETag ??= hdr("ETag");
  }
  if (op.responses["429"]) {
    for (const code of ["200", "201", "202", "204"]) {
      const res = op.responses[code];
      if (!res || res.$ref) continue;
      res.headers ??= {};
      res.headers["RateLimit-Limit"] ??= hdr("RateLimitLimit");
      res.headers["RateLimit-Remaining"] ??= hdr("RateLimitRemaining");
      res.headers["RateLimit-Reset"] ??= hdr("RateLimitReset");
    }
  }
}

function enumType(values) {
  const kinds = new Set(values.map((v) => (v === null ? "null" : Number.isInteger(v) ? "integer" : typeof v)));
  if (kinds.has("integer") && kinds.has("number")) kinds.delete("integer");
  const ts = [...kinds].map((k) => (k === "number" || k === "integer" || k === "boolean" || k === "string" || k === "null" ? k : "object"));
  return ts.length === 1 ? ts[0] : ts;
}

// typeEnums gives every schema with an enum and no type its type.
function typeEnums(node) {
  if (Array.isArray(node)) return node.forEach(typeEnums);
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node.enum) && node.type === undefined && node.$ref === undefined) {
    const entries = Object.entries(node);
    const at = entries.findIndex(([k]) => k === "enum");
    entries.splice(at, 0, ["type", enumType(node.enum)]);
    for (const k of Object.keys(node)) delete node[k];
    for (const [k, v] of entries) node[k] = v;
  }
  for (const v of Object.values(node)) typeEnums(v);
}

function sortResponses(responses) {
  const keys = Object.keys(responses).sort((a, b) => (a === "default") - (b === "default") || a.localeCompare(b));
  const sorted = {};
  for (const k of keys) sorted[k] = responses[k];
  return sorted;
}

const schemas = {};
for (const file of files) Object.assign(schemas, JSON.parse(readFileSync(join(dir, file), "utf8")).components?.schemas ?? {});

for (const file of files) {
  const path = join(dir, file);
  const text = readFileSync(path, "utf8");
  const doc = JSON.parse(text);
  const indent = /^\{\n( +)"/.exec(text)?.[1].length ?? 2;
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    for (const m of methods) {
      const op = item[m];
      if (!op) continue;
      if (!op.tags) {
        const area = areas.find(([re]) => re.test(p));
        if (!area) throw new Error(`${file}: ${m.toUpperCase()} ${p} is in no area: add it to areas`);
        const entries = Object.entries(op);
        entries.splice(entries.findIndex(([k]) => k === "operationId") + 1, 0, ["tags", [area[1]]]);
        for (const k of Object.keys(op)) delete op[k];
        for (const [k, v] of entries) op[k] = v;
      }
      op.responses ??= {};
      for (const [code, name] of Object.entries(responsesFor(p, m, op))) {
        op.responses[code] ??= ref(name);
      }
      const created = m === "post" && ["201", "202"].find((c) => op.responses[c]);
      if (created) {
        op.parameters ??= [];
        if (!op.parameters.some((x) => x.$ref === "#/components/parameters/IdempotencyKey")) {
          op.parameters.push({ $ref: "#/components/parameters/IdempotencyKey" });
        }
        const res = op.responses[created];
        if (!res.$ref) {
          res.headers ??= {};
          res.headers["Idempotent-Replayed"] ??= { $ref: "#/components/headers/IdempotentReplayed" };
        }
        op.responses["409"] ??= ref("Conflict");
        op.responses["422"] ??= ref("UnprocessableEntity");
      }
      conditionalHeaders(p, m, op, schemas);
      op.responses = sortResponses(op.responses);
    }
  }
  typeEnums(doc);
  const out = JSON.stringify(doc, null, indent) + (text.endsWith("\n") ? "\n" : "");
  if (out !== text) {
    writeFileSync(path, out);
    console.log(`updated ${file}`);
  }
}
