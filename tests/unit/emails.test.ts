import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../emails';
import { backoffSeconds } from '../../lib/notifications/outbox';

describe('email templates', () => {
  it('render HTML and text, escaping what people typed', () => {
    const email = renderEmail('account_created', { name: '<Eve & "Co">', email: 'eve@x.test', role: 'funding', signInUrl: 'http://localhost:3000/signin' });
    expect(email.subject).toBe('Your Holdback account');
    expect(email.html).toContain('&lt;Eve &amp; &quot;Co&quot;&gt;');
    expect(email.html).not.toContain('<Eve');
    expect(email.text).toContain('Hello <Eve & "Co">');
    expect(email.text).toContain('http://localhost:3000/signin');
  });

  it('retry with exponential backoff', () => {
    expect([1, 2, 3, 4, 5].map(backoffSeconds)).toEqual([60, 120, 240, 480, 960]);
  });
});
