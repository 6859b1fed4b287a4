import { describe, expect, it } from 'vitest';
import { chaosRequest, scenarioRequest } from './forms';

const levels = ['calm', 'mild', 'storm', 'hell'];

describe('chaosRequest', () => {
  it('sends a global change without services and without a duration when empty', () => {
    expect(chaosRequest({ level: 'storm', all: true, services: ['stripe_mock'], duration: '' }, levels)).toEqual({
      ok: true,
      request: { level: 'storm' },
    });
  });

  it('sends the ticked services and whole seconds', () => {
    expect(chaosRequest({ level: 'hell', all: false, services: ['stripe_mock', 'github_mock'], duration: ' 60 ' }, levels)).toEqual({
      ok: true,
      request: { level: 'hell', services: ['stripe_mock', 'github_mock'], duration_s: 60 },
    });
  });

  it('names each wrong field', () => {
    const r = chaosRequest({ level: 'apocalypse', all: false, services: [], duration: '1.5' }, levels);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['duration_s', 'level', 'services']);
    const z = chaosRequest({ level: 'calm', all: true, services: [], duration: '0' }, levels);
    expect(z.ok).toBe(false);
  });

  it('accepts any level while the farm has not said which it has', () => {
    expect(chaosRequest({ level: 'custom', all: true, services: [], duration: '' }, []).ok).toBe(true);
  });
});

describe('scenarioRequest', () => {
  it('leaves out what is empty and adds compare only when ticked', () => {
    expect(scenarioRequest({ scenario: 'hell', duration: '', seed: '', compare: false })).toEqual({ ok: true, request: { scenario: 'hell' } });
    expect(scenarioRequest({ scenario: 'hell', duration: '30S', seed: '7', compare: true })).toEqual({
      ok: true,
      request: { scenario: 'hell', duration: '30s', seed: 7, compare: 'naive' },
    });
  });

  it('refuses a duration without a unit and a fractional seed', () => {
    const r = scenarioRequest({ scenario: '', duration: '30', seed: '1.5', compare: false });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.duration).toContain('30s');
      expect(r.errors.seed).toBeDefined();
      expect(r.errors.scenario).toBeDefined();
    }
  });
});
