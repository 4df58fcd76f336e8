// Writes docs/rules.md from the billing rule table (packages/billing/src/rules/ids.ts). Run after `tsc -b`.
import { writeFileSync } from 'node:fs';
import { rulesMarkdown } from '../packages/billing/dist/index.js';

const out = new URL('../docs/rules.md', import.meta.url);
writeFileSync(out, rulesMarkdown());
console.log(`docs:rules: wrote ${out.pathname}`);
