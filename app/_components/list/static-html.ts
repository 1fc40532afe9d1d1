import { Fragment, isValidElement, type ReactNode } from 'react';

/**
 * Issue 13: a list's rows as one HTML string. A page of 50 rows is about 1,500 React elements;
 * rendered as elements each is built, serialised into the page's RSC payload, parsed back and
 * rendered again into HTML — most of a list page's CPU. Most cells are plain markup (a link, a
 * span, text), so ListView writes those rows itself, once, escaped here, and hands React one
 * string (`dangerouslySetInnerHTML` on the tbody). A cell that is anything else — a component,
 * an event handler, a style other than custom properties, an attribute not listed below — makes `staticHtml` answer null and
 * the table is rendered by React as before. The markup is what React would write for the same
 * elements (the DOM, and what tests and screen readers see, is the same).
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };

/** Text or an attribute's value, escaped as React escapes it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The elements a cell may hold (phrasing content: no forms, scripts, frames or media). */
const TAGS = new Set(['a', 'abbr', 'b', 'br', 'code', 'del', 'em', 'i', 'ins', 'mark', 's', 'small', 'span', 'strong', 'sub', 'sup', 'time']);
const VOID = new Set(['br']);
/** React prop → HTML attribute, for the attributes a cell may carry (plus aria-* and data-*). */
const ATTRIBUTES: Record<string, string> = {
  className: 'class',
  href: 'href',
  title: 'title',
  id: 'id',
  lang: 'lang',
  dir: 'dir',
  role: 'role',
  rel: 'rel',
  dateTime: 'datetime',
  hrefLang: 'hreflang',
};

/**
 * A style of CSS custom properties only (`{'--w': '42.5%'}`: how a bar's lengths reach its CSS),
 * each a plain number with an optional unit, as React writes it; anything else is left to React.
 */
function styleAttribute(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const parts: string[] = [];
  for (const [property, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || v === undefined || v === '') continue;
    if (!/^--[a-z][a-z0-9-]*$/.test(property) || typeof v !== 'string' || !/^-?\d+(\.\d+)?(%|px|rem|em)?$/.test(v)) return null;
    parts.push(`${property}:${v}`);
  }
  return parts.length > 0 ? ` style="${parts.join(';')}"` : '';
}

function attribute(name: string, value: unknown): string | null {
  if (value === null || value === undefined || value === false) return '';
  if (name === 'style') return styleAttribute(value);
  const html = ATTRIBUTES[name] ?? (/^(aria|data)-[a-z0-9-]+$/.test(name) ? name : null);
  if (html === null) return null;
  if (value === true) return name.startsWith('aria-') || name.startsWith('data-') ? ` ${html}="true"` : null;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value);
  // React refuses javascript: URLs; a cell that has one is left to React.
  if (name === 'href' && /^[\u0000-\u001F ]*j[\r\n\t]*a[\r\n\t]*v[\r\n\t]*a[\r\n\t]*s[\r\n\t]*c[\r\n\t]*r[\r\n\t]*i[\r\n\t]*p[\r\n\t]*t[\r\n\t]*:/i.test(text))
    return null;
  return ` ${html}="${escapeHtml(text)}"`;
}

/** The node as HTML, or null when it is not plain markup (then React renders it). */
export function staticHtml(node: ReactNode): string | null {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string') return escapeHtml(node);
  if (typeof node === 'number' || typeof node === 'bigint') return String(node);
  if (Array.isArray(node)) {
    let out = '';
    for (const child of node as ReactNode[]) {
      const html = staticHtml(child);
      if (html === null) return null;
      out += html;
    }
    return out;
  }
  if (!isValidElement(node)) return null;
  const props = node.props as Record<string, unknown>;
  if (node.type === Fragment) return staticHtml(props.children as ReactNode);
  if (typeof node.type !== 'string' || !TAGS.has(node.type)) return null;
  let attributes = '';
  for (const [name, value] of Object.entries(props)) {
    if (name === 'children') continue;
    const html = attribute(name, value);
    if (html === null) return null;
    attributes += html;
  }
  if (VOID.has(node.type)) return props.children === undefined || props.children === null ? `<${node.type}${attributes}/>` : null;
  const inner = staticHtml(props.children as ReactNode);
  if (inner === null) return null;
  return `<${node.type}${attributes}>${inner}</${node.type}>`;
}

/** What a table's column gives a cell (ListView's ListColumn, DataTable's Column). */
export interface CellColumn<T> {
  value: (row: T) => string;
  render?: (row: T) => ReactNode;
  align?: 'left' | 'right';
}

/**
 * The rows as one HTML string when every cell is plain markup (static-html.ts: most of a list
 * page's CPU is React building, sending and re-rendering each cell's elements); null when a cell
 * is not (a component, a handler), and React renders the rows.
 */
export function rowsAsHtml<T>(items: T[], columns: CellColumn<T>[]): string | null {
  let html = '';
  for (const r of items) {
    html += '<tr>';
    for (const c of columns) {
      const cell = staticHtml(c.render ? c.render(r) : c.value(r));
      if (cell === null) return null;
      html += `<td class="${c.align === 'right' ? 'cell-n' : 'cell'}">${cell}</td>`;
    }
    html += '</tr>';
  }
  return html;
}
