import { characterProblem, MAX_TEXT_LENGTH, textProblem } from './text';

describe('the shared text rule', () => {
  it.each([
    ['a lone high surrogate', 'user\ud800', /well-formed Unicode/],
    ['a lone low surrogate', '\udc00user', /well-formed Unicode/],
    ['a NUL', 'a\u0000b', /control characters \(U\+0000\)/],
    ['a C1 control', 'a\u0085b', /control characters \(U\+0085\)/],
    ['a bidi override', 'gpj.\u202Eexe', /format .* \(U\+202E\)/],
    ['a zero-width space', 'ad\u200Bmin', /format .* \(U\+200B\)/],
    ['a byte-order mark', '\uFEFFadmin', /format .* \(U\+FEFF\)/],
    ['a line separator', 'a\u2028b', /separator .* \(U\+2028\)/],
  ])('refuses %s', (_what, value, problem) => {
    // given a text holding it, when checked, then the problem names it
    expect(textProblem(value)).toMatch(problem);
    expect(characterProblem(value)).toMatch(problem);
  });

  it('refuses an empty, over-long, non-string or padded value', () => {
    expect(textProblem('')).toMatch(/non-empty/);
    expect(textProblem(42)).toMatch(/non-empty string/);
    expect(textProblem('a'.repeat(MAX_TEXT_LENGTH + 1))).toMatch(/at most 256/);
    expect(textProblem(' admin')).toMatch(/whitespace/);
  });

  it('accepts any other Unicode text, surrogate pairs included', () => {
    for (const value of ['üser|😀', 'Téléphone ☎', 'auth0|5f1c', 'a'.repeat(MAX_TEXT_LENGTH), 'עברית', 'a b']) {
      expect(textProblem(value)).toBeUndefined();
    }
  });
});
