/*
 * A tiny DOM builder: the demo has no framework so a vendor can read it without knowing one.
 * Text is always set as text (never innerHTML), so patient names cannot inject markup.
 */

import { formatGermanDate, germanWeekdayName, isRealLocalDate } from '@pvskit/core';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | null | EventListener>;

/** Creates an element. `on…` attributes with function values become event listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'value' && (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)) {
      el.value = String(value);
    } else if (key === 'checked' && el instanceof HTMLInputElement) {
      el.checked = value === true;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el: Element, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
}

/** Replaces the children of `el`. */
export function mount(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/** `2026-11-21` → `21.11.2026`; a half-typed date is shown as it is. Core's formatter, tolerant of input in progress. */
export function germanDate(date: string): string {
  const day = date.slice(0, 10);
  return isRealLocalDate(day) ? formatGermanDate(day) : date;
}

/** `2026-11-21` → `Samstag`; empty while the date is incomplete. */
export function germanWeekday(date: string): string {
  const day = date.slice(0, 10);
  return isRealLocalDate(day) ? germanWeekdayName(day) : '';
}

/** `2026-11-21T08:00` → `Samstag, 21.11.2026, 08:00 Uhr`. */
export function germanDateTime(value: string): string {
  return `${germanWeekday(value)}, ${germanDate(value)}, ${value.slice(11, 16)} Uhr`;
}

/** Moves focus to the main heading so screen readers announce the new page. */
export function focusHeading(root: Element): void {
  const heading = root.querySelector('h1, h2');
  if (heading instanceof HTMLElement) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}
