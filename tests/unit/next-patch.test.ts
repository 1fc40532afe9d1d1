import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * patches/next+15.5.29.patch (applied by `npm ci`'s postinstall, patch-package): Next's client
 * reference manifest plugin dropped a client component whose concatenated module drew the id 0
 * (`if (concatenatedModId)`, vercel/next.js#97937, fixed on canary, not in 15.5.x). Ids are drawn
 * anew by every build, so one build in many answered a page with 500 "Could not find the module …
 * in the React Client Manifest" (seen on /clients in the console bench, and once on CI).
 */
describe('the Next.js patch', () => {
  it('is applied: a concatenated module with id 0 keeps its client references', () => {
    const plugin = readFileSync(path.join(process.cwd(), 'node_modules/next/dist/build/webpack/plugins/flight-manifest-plugin.js'), 'utf8');
    expect(plugin).toContain('if (concatenatedModId !== null && concatenatedModId !== undefined) {');
    expect(plugin).not.toMatch(/if \(concatenatedModId\) \{/);
  });
});
