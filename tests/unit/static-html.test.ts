import { createElement as h, Fragment, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ListColumn } from '@/app/_components/list/list-view';
import { escapeHtml, rowsAsHtml, staticHtml } from '@/app/_components/list/static-html';

/** What React itself writes for the node (the markup the list's rows had before issue 13's string rows). */
const react = (node: ReactNode) => renderToStaticMarkup(h(Fragment, null, node));

describe('staticHtml: a cell written as React writes it', () => {
  const cases: [string, ReactNode][] = [
    ['text', 'Acme & Sons <Ltd> "quoted" it\'s'],
    ['a number', 42],
    ['nothing', null],
    ['a link', h('a', { className: 'text-brand-700 underline', href: '/invoices/7?x=1&y=<2>' }, 'NW-1003')],
    ['a nested span', h('span', { className: 'whitespace-nowrap' }, h('strong', null, 'Due'), ' ', '2026-10-25')],
    ['a fragment and arrays', h(Fragment, null, ['a', h('em', { key: 'k' }, 'b'), null, false, 'c'])],
    ['aria and data attributes', h('span', { 'aria-label': 'Total "all"', 'data-testid': 'x', title: "O'Brien" }, '1.00 USD')],
    ['a line break', h('span', null, 'one', h('br'), 'two')],
    ['custom properties', h('span', { className: 'aging-total', style: { '--w': '42.5%', '--a': '10%' } }, '9,000.00 USD')],
    ['an unset attribute', h('a', { href: '/x', title: undefined, className: undefined }, 'x')],
  ];
  for (const [name, node] of cases) {
    it(`${name}: the same markup`, () => {
      expect(staticHtml(node)).toBe(react(node));
    });
  }

  it('escapes what could break out of text or an attribute', () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;');
    const html = staticHtml(h('a', { href: '" onmouseover="alert(1)', title: '<b>' }, '<img src=x onerror=alert(1)>'))!;
    expect(html).toBe('<a href="&quot; onmouseover=&quot;alert(1)" title="&lt;b&gt;">&lt;img src=x onerror=alert(1)&gt;</a>');
  });

  const refused: [string, ReactNode][] = [
    [
      'a component',
      h(function Badge() {
        return h('span', null, 'x');
      }),
    ],
    ['an event handler', h('a', { href: '/x', onClick: () => undefined }, 'x')],
    ['a javascript: URL', h('a', { href: 'java\nscript:alert(1)' }, 'x')],
    ['a plain style', h('span', { style: { color: 'red' } }, 'x')],
    ['a custom property with CSS in it', h('span', { style: { '--w': '1%;background:url(x)' } }, 'x')],
    ['an element a cell may not hold', h('form', { action: '/x' }, h('button', null, 'Go'))],
    ['an unknown attribute', h('span', { dangerouslySetInnerHTML: { __html: '<b>x</b>' } })],
    [
      'a component deep inside',
      h('span', null, 'a', [
        h(
          'em',
          { key: 1 },
          h(() => 'x'),
        ),
      ]),
    ],
  ];
  for (const [name, node] of refused) {
    it(`leaves ${name} to React (null)`, () => {
      expect(staticHtml(node)).toBeNull();
    });
  }
});

describe('rowsAsHtml: a list page as one string', () => {
  interface Row {
    id: string;
    number: string;
    amount: string;
  }
  const rows: Row[] = [
    { id: '1', number: 'NW-1003', amount: '1,000.00 USD' },
    { id: '2', number: 'A&B <2>', amount: '2.50 USD' },
  ];
  const plain: ListColumn<Row>[] = [
    { header: 'Number', value: (r) => r.number, render: (r) => h('a', { href: `/invoices/${r.id}` }, r.number) },
    { header: 'Amount', value: (r) => r.amount, align: 'right' },
  ];

  it('writes every row and cell, with the cells’ classes and escaped values', () => {
    expect(rowsAsHtml(rows, plain)).toBe(
      '<tr><td class="cell"><a href="/invoices/1">NW-1003</a></td><td class="cell-n">1,000.00 USD</td></tr>' +
        '<tr><td class="cell"><a href="/invoices/2">A&amp;B &lt;2&gt;</a></td><td class="cell-n">2.50 USD</td></tr>',
    );
  });

  it('is the markup React writes for the same rows', () => {
    const byReact = react(
      rows.map((r) =>
        h(
          'tr',
          { key: r.id },
          plain.map((c) => h('td', { key: c.header, className: c.align === 'right' ? 'cell-n' : 'cell' }, c.render ? c.render(r) : c.value(r))),
        ),
      ),
    );
    expect(rowsAsHtml(rows, plain)).toBe(byReact);
  });

  it('answers null when any cell needs React, so the table is rendered by React', () => {
    const withButton: ListColumn<Row>[] = [...plain, { header: 'Action', value: () => '', render: () => h('button', { type: 'button' }, 'Retry') }];
    expect(rowsAsHtml(rows, withButton)).toBeNull();
  });
});
