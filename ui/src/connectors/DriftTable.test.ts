import { describe, expect, test } from 'vitest';
import { parseMapping } from './DriftTable';

describe('parseMapping', () => {
  test('reads the server\'s "endpoint: before → after" lines', () => {
    expect(parseMapping('/v1/customers: email → email_address')).toEqual({ endpoint: '/v1/customers', before: 'email', after: 'email_address', confidence: null });
    expect(parseMapping('*: amount → amount_cents')).toMatchObject({ endpoint: 'every endpoint', before: 'amount', after: 'amount_cents' });
  });
  test('objects as they are; anything else is no row', () => {
    expect(parseMapping({ endpoint: 'e', before: 'a', after: 'b', confidence: 0.9 })).toEqual({ endpoint: 'e', before: 'a', after: 'b', confidence: 0.9 });
    expect(parseMapping('no arrow')).toBeNull();
    expect(parseMapping({})).toBeNull();
  });
});
