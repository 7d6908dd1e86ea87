import type { oas31 } from 'zod-openapi';

/*
 * /docs: the OpenAPI document rendered on the server as plain HTML, with no
 * script at all, so the page keeps the admin page's strict CSP (see
 * docs/decisions.md: Redoc and Scalar inject inline styles and need more).
 */

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Inline `code` of the document's Markdown, the only Markdown it uses; everything else is text. */
const prose = (text: string | undefined): string => (text ? escape(text).replace(/`([^`]+)`/g, '<code>$1</code>') : '');

const anchor = (name: string): string => `schema-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** A schema as indented JSON, each `$ref` a link to its component. */
function schemaBlock(schema: unknown): string {
  const text = escape(JSON.stringify(schema, null, 2));
  const linked = text.replace(/&quot;#\/components\/schemas\/([A-Za-z0-9_-]+)&quot;/g, (_m, name: string) => `<a href="#${anchor(name)}">${name}</a>`);
  return `<pre>${linked}</pre>`;
}

function parametersTable(parameters: oas31.ParameterObject[]): string {
  if (parameters.length === 0) return '';
  const rows = parameters
    .map((p) => {
      const schema = (p.schema ?? {}) as oas31.SchemaObject;
      const range = schema.minimum !== undefined || schema.maximum !== undefined ? `${schema.minimum ?? ''}..${schema.maximum ?? ''}` : undefined;
      const length = schema.maxLength !== undefined ? `at most ${schema.maxLength} characters` : undefined;
      const type = [schema.type, range, length, schema.enum ? `one of ${schema.enum.join(', ')}` : undefined, schema.default !== undefined ? `default ${String(schema.default)}` : undefined]
        .filter(Boolean)
        .join('; ');
      return `<tr><td><code>${escape(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td>${escape(type)}</td><td>${prose(p.description ?? schema.description)}</td></tr>`;
    })
    .join('');
  return `<table><caption>Parameters</caption><thead><tr><th scope="col">name</th><th scope="col">in</th><th scope="col">required</th><th scope="col">type</th><th scope="col">description</th></tr></thead><tbody>${rows}</tbody></table>`;
}

type Schemas = Record<string, oas31.SchemaObject | oas31.ReferenceObject>;

/** `schema` with every `$ref` to a component replaced by the component itself, so a body reads where its endpoint is (a cycle keeps its link). */
function inline(schema: unknown, schemas: Schemas, seen: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inline(item, schemas, seen));
  if (typeof schema !== 'object' || schema === null) return schema;
  const ref = (schema as { $ref?: unknown }).$ref;
  const name = typeof ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1] : undefined;
  if (name !== undefined && schemas[name] && !seen.has(name)) return inline(schemas[name], schemas, new Set([...seen, name]));
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inline(value, schemas, seen)]));
}

/** A JSON object schema's fields as a table: what a newcomer reads before the JSON Schema. */
function fieldsTable(schema: oas31.SchemaObject, caption: string): string {
  const properties = Object.entries(schema.properties ?? {});
  if (schema.type !== 'object' || properties.length === 0) return '';
  const required = new Set(schema.required ?? []);
  const rows = properties
    .map(([name, value]) => {
      const field = value as oas31.SchemaObject;
      const type = [
        Array.isArray(field.type) ? field.type.join(' or ') : field.type,
        field.enum ? `one of ${field.enum.map(String).join(', ')}` : undefined,
        field.const !== undefined ? `always ${String(field.const)}` : undefined,
        field.maxLength !== undefined ? `at most ${field.maxLength} characters` : undefined,
      ]
        .filter(Boolean)
        .join('; ');
      return `<tr><td><code>${escape(name)}</code></td><td>${required.has(name) ? 'yes' : 'no'}</td><td>${escape(type)}</td><td>${prose(field.description)}</td></tr>`;
    })
    .join('');
  return `<table><caption>${escape(caption)}</caption><thead><tr><th scope="col">field</th><th scope="col">required</th><th scope="col">type</th><th scope="col">description</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** An example as its media type sends it: a form as `a=b&c=d`, JSON indented. */
function exampleBlock(type: string, example: unknown, title: string): string {
  const text =
    type === 'application/x-www-form-urlencoded' && typeof example === 'object' && example !== null
      ? new URLSearchParams(example as Record<string, string>).toString()
      : JSON.stringify(example, null, 2);
  return `<h5>${escape(title)} (${escape(type)})</h5><pre class="example">${escape(text)}</pre>`;
}

/** A request or response body: its fields, its example, then its JSON Schema folded away. Media types sharing a schema show it once. */
function content(body: { content?: Record<string, oas31.MediaTypeObject> } | undefined, schemas: Schemas, role: 'Request' | 'Response'): string {
  const entries = Object.entries(body?.content ?? {});
  if (entries.length === 0) return '';
  const types = entries.map(([type]) => `<code>${escape(type)}</code>`).join(' or ');
  const [, first] = entries[0]!;
  const schema = first.schema ? (inline(first.schema, schemas) as oas31.SchemaObject) : undefined;
  const examples = entries.filter(([, media]) => media.example !== undefined).map(([type, media]) => exampleBlock(type, media.example, `Example ${role.toLowerCase()}`));
  return `<p class="media">${types}</p>${schema ? fieldsTable(schema, `${role} fields`) : ''}${examples.join('')}${
    schema ? `<details class="schema"><summary>JSON Schema</summary>${schemaBlock(schema)}</details>` : ''
  }`;
}

function operation(path: string, method: string, op: oas31.OperationObject, schemas: Schemas): string {
  const id = `${method}-${path}`.replace(/[^A-Za-z0-9_-]/g, '-');
  const request = op.requestBody as oas31.RequestBodyObject | undefined;
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => {
      const response = r as oas31.ResponseObject;
      // The success answer open, with its example; errors folded.
      const open = status.startsWith('2') ? ' open' : '';
      return `<details${open}><summary><span class="status">${escape(status)}</span> ${prose(response.description)}</summary>${content(response, schemas, 'Response')}</details>`;
    })
    .join('');
  return `<section class="operation" id="${id}" aria-labelledby="${id}-title">
<h3 id="${id}-title"><span class="method ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>
<p>${prose(op.summary)}</p>${op.description ? `<p>${prose(op.description)}</p>` : ''}
${parametersTable((op.parameters ?? []) as oas31.ParameterObject[])}
${request ? `<h4>Request body${request.required ? '' : ' (optional)'}</h4>${content(request, schemas, 'Request')}` : ''}
<h4>Responses</h4>${responses}
</section>`;
}

/** The whole page: operations grouped by tag, each with its bodies inline. */
/** `base`: where the page is served, with a trailing slash (its stylesheet and document beside it). */
export function renderDocsPage(document: oas31.OpenAPIObject, base: string): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as oas31.PathItemObject)[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(path, method, op, document.components?.schemas ?? {})]);
    }
  }
  const tagId = (tag: string) => `tag-${tag.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const nav = [...byTag.keys()].map((tag) => `<li><a href="#${tagId(tag)}">${escape(tag)}</a></li>`).join('');
  const sections = [...byTag.entries()]
    .map(([tag, ops]) => `<section aria-labelledby="${tagId(tag)}"><h2 id="${tagId(tag)}">${escape(tag)}</h2>${ops.join('')}</section>`)
    .join('');
  const { title, description, version } = document.info;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}: API</title>
<link rel="stylesheet" href="${base}docs.css">
</head>
<body>
<header><h1>${escape(title)} <span class="version">${escape(version)}</span></h1><p>${prose(description)}</p>
<p>The same, machine-readable: <a href="${base}openapi.json">OpenAPI ${escape(document.openapi)} document</a>. Management endpoints take <code>Authorization: Bearer &lt;management token&gt;</code>.</p>
<nav aria-label="Sections"><ul>${nav}</ul></nav></header>
<main>${sections}</main>
</body>
</html>
`;
}

export const DOCS_STYLESHEET = `
:root { color-scheme: light; font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; background: #fff; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem; }
h1 .version { font-size: 0.6em; color: #555; font-weight: normal; }
nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; padding: 0; }
a { color: #0645ad; }
a:focus-visible, summary:focus-visible { outline: 3px solid #1a56db; outline-offset: 2px; }
.operation { border: 1px solid #ccc; border-radius: 6px; padding: 0 1rem 1rem; margin: 1rem 0; }
.method { display: inline-block; min-width: 4.5rem; padding: 0 0.4rem; border-radius: 4px; color: #fff; text-align: center; font-size: 0.9em; }
.method.get { background: #1e5c2e; } .method.post { background: #1a4a8a; } .method.delete { background: #8a1c1c; }
.method.put, .method.patch { background: #6a4a00; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
caption { text-align: left; font-weight: bold; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
pre { background: #f4f4f4; padding: 0.5rem; overflow-x: auto; font-size: 0.85em; }
.status { font-weight: bold; font-family: ui-monospace, monospace; }
.media { margin: 0.25rem 0 0; color: #444; font-family: ui-monospace, monospace; }
summary { cursor: pointer; }
h5 { margin: 0.5rem 0 0; font-size: 0.9em; }
pre.example { background: #eef4ea; }
`;
