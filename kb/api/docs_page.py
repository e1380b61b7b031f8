"""The API's documentation as one plain HTML page, generated from the OpenAPI schema: it needs no script and no
network (Swagger UI and ReDoc load their code from a CDN, which intranets often block)."""
from __future__ import annotations

import json
from html import escape
from typing import Any

STYLE = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
         "code,pre{background:#f4f4f4;padding:.1rem .3rem;border-radius:3px}pre{padding:.6rem;overflow-x:auto}"
         "table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;"
         "text-align:left;vertical-align:top}.op{border-top:1px solid #ccc;padding-top:.6rem;margin-top:1rem}"
         ".m{font-weight:bold;text-transform:uppercase}")


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(json.dumps(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    return str(schema.get("type", "any"))


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _operation(spec: dict[str, Any], method: str, path: str, op: dict[str, Any]) -> list[str]:
    out = [f"<div class='op' id='{escape(op.get('operationId', ''))}'><p><span class='m'>{escape(method)}</span> "
           f"<code>{escape(path)}</code> — {escape(op.get('summary', ''))}</p>"]
    if op.get("security"):
        out.append("<p>Send an API token: <code>Authorization: Bearer TOKEN</code> (anonymous requests read when the "
                   "server allows it).</p>")
    params = op.get("parameters", [])
    if params:
        out.append("<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr>")
        for p in params:
            schema = p.get("schema", {})
            bounds = ", ".join(f"{k} {schema[k]}" for k in ("minimum", "maximum", "minLength", "maxLength", "pattern",
                                                           "maxItems") if k in schema)
            out.append(f"<tr><td><code>{escape(p['name'])}</code>{' (required)' if p.get('required') else ''}</td>"
                       f"<td>{escape(p['in'])}</td><td>{escape(_type(schema))}{escape(' — ' + bounds if bounds else '')}"
                       f"</td><td>{escape(p.get('description', '') or schema.get('description', ''))}</td></tr>")
        out.append("</table>")
    body = op.get("requestBody", {}).get("content", {})
    for media, content in body.items():
        schema = _resolve(spec, content.get("schema", {}))
        fields = ", ".join(f"{name} ({_type(s)})" for name, s in schema.get("properties", {}).items())
        out.append(f"<p>Body ({escape(media)}): {escape(fields or _type(schema))}</p>")
    codes = ", ".join(f"{code} {r.get('description', '')}" for code, r in op.get("responses", {}).items())
    out.append(f"<p>Answers: {escape(codes)}</p></div>")
    return out


def docs_html(spec: dict[str, Any], schema_url: str) -> str:
    """The documentation page for an OpenAPI schema."""
    info = spec.get("info", {})
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(info.get('title', 'API'))}"
             f"</title><style>{STYLE}</style></head><body><h1>{escape(info.get('title', 'API'))} "
             f"{escape(str(info.get('version', '')))}</h1><p>{escape(info.get('description', ''))}</p>"
             f"<p>The machine-readable schema: <a href='{escape(schema_url)}'>{escape(schema_url)}</a> (OpenAPI "
             f"{escape(spec.get('openapi', '3'))}). Errors answer <code>{{\"error\": {{\"code\": …, \"message\": …}}}}"
             "</code>; reading answers carry an <code>ETag</code> (send it back as <code>If-None-Match</code>).</p>"]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            by_tag.setdefault((op.get("tags") or ["other"])[0], []).append((method, path, op))
    parts.append("<ul>" + "".join(f"<li><a href='#tag-{n}'>{escape(tag)}</a></li>" for n, tag in enumerate(by_tag))
                 + "</ul>")
    for n, (tag, ops) in enumerate(by_tag.items()):
        parts.append(f"<h2 id='tag-{n}'>{escape(tag)}</h2>")
        for method, path, op in ops:
            parts.extend(_operation(spec, method, path, op))
    parts.append("</body></html>")
    return "".join(parts)
