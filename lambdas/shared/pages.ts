/** The six pages of the Operations Playground, in a fixed order. */
export const PAGES = ['/help', '/index', '/shop', '/jobs', '/about', '/news'] as const;

export type Page = (typeof PAGES)[number];

const pageSet: ReadonlySet<string> = new Set(PAGES);

export function isPage(value: unknown): value is Page {
  return typeof value === 'string' && pageSet.has(value);
}
