// Known answers from outside: golang.org/x/mod sumdb/note/note_test.go (github.com/golang/mod,
// TestNewVerifier, TestSign, TestOpen): the PeterNeumann and EnochRoot keys and their signed note.
import { formatCheckpoint, parseCheckpoint } from './checkpoint';
import { generateNoteSigner, parseSignerKey, parseVerifierKey } from './keys';
import { openNote, parseNote, signNote } from './signed-note';

const PETER_VERIFIER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SIGNER = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VERIFIER = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

describe('C2SP signed notes against Go sumdb/note vectors', () => {
  it('parses the verifier key and recomputes its key id', () => {
    const verifier = parseVerifierKey(PETER_VERIFIER);
    expect(verifier.name).toBe('PeterNeumann');
    expect(verifier.keyId).toBe(0xc74f20a3);
    expect(verifier.verifierKey).toBe(PETER_VERIFIER);
  });

  it('refuses every one-byte mangling of the verifier key', () => {
    for (let i = 0; i < PETER_VERIFIER.length; i++) {
      const mangled = PETER_VERIFIER.slice(0, i) + String.fromCharCode(PETER_VERIFIER.charCodeAt(i) + 1) + PETER_VERIFIER.slice(i + 1);
      expect(() => parseVerifierKey(mangled)).toThrow(expect.objectContaining({ code: 'TLOG_MALFORMED_KEY' }));
    }
  });

  it('refuses a wrong-length key and an unknown algorithm (key ids adjusted, as in TestNewVerifier)', () => {
    expect(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')).toThrow();
    expect(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow();
  });

  it('signs byte for byte as Go does (TestSign)', () => {
    const { signer } = parseSignerKey(PETER_SIGNER);
    expect(signer.verifierKey).toBe(PETER_VERIFIER);
    expect(signNote(TEXT, [signer])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('opens the note signed by two keys, verifying the known one (TestOpen)', () => {
    const note = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [parseVerifierKey(PETER_VERIFIER)]);
    expect(note.text).toBe(TEXT);
    expect(note.verifiedBy.map((v) => v.name)).toEqual(['PeterNeumann']);
    const both = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [parseVerifierKey(PETER_VERIFIER), parseVerifierKey(ENOCH_VERIFIER)]);
    expect(both.verifiedBy.map((v) => v.name)).toEqual(['PeterNeumann', 'EnochRoot']);
  });

  it('refuses a note no known key signed', () => {
    expect(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [parseVerifierKey(PETER_VERIFIER)])).toThrow(expect.objectContaining({ code: 'TLOG_NOT_SIGNED' }));
  });

  it('refuses an altered text or signature of a known key', () => {
    const peter = [parseVerifierKey(PETER_VERIFIER)];
    expect(() => openNote(`${TEXT.replace('answer', 'answers')}\n${PETER_SIG}`, peter)).toThrow(expect.objectContaining({ code: 'TLOG_SIGNATURE_INVALID' }));
    const badSig = PETER_SIG.slice(0, 60) + 'ABCD' + PETER_SIG.slice(60);
    expect(() => openNote(`${TEXT}\n${badSig}`, peter)).toThrow(expect.objectContaining({ code: 'TLOG_SIGNATURE_INVALID' }));
  });

  it.each([
    ['no blank line', TEXT],
    ['no signatures', `${TEXT}\n`],
    ['a signature line without its newline', `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ['a control character in the text', `\u0001${TEXT}\n${PETER_SIG}`],
    ['a name with a space', `${TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`],
    ['a trailing line', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
  ])('refuses a malformed note: %s (TestOpen badMsgs)', (_what, message) => {
    expect(() => parseNote(message)).toThrow(expect.objectContaining({ code: 'TLOG_MALFORMED_NOTE' }));
  });
});

describe('C2SP tlog-checkpoint', () => {
  const root = Buffer.alloc(32, 7);

  it('round-trips origin, size, root and extension lines', () => {
    const text = formatCheckpoint({ origin: 'example.com/log', size: 42, root, extensions: ['ext one'] });
    expect(text).toBe(`example.com/log\n42\n${root.toString('base64')}\next one\n`);
    expect(parseCheckpoint(text)).toEqual({ origin: 'example.com/log', size: 42, root, extensions: ['ext one'] });
  });

  it.each([
    ['a leading zero', `o\n042\n${root.toString('base64')}\n`],
    ['a negative size', `o\n-1\n${root.toString('base64')}\n`],
    ['a short root', `o\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['no final newline', `o\n1\n${root.toString('base64')}`],
    ['an empty origin', `\n1\n${root.toString('base64')}\n`],
  ])('refuses %s', (_what, text) => {
    expect(() => parseCheckpoint(text)).toThrow(expect.objectContaining({ code: 'TLOG_MALFORMED_CHECKPOINT' }));
  });

  it('signs and opens a checkpoint with a fresh key, and refuses another key', () => {
    const signer = generateNoteSigner('refresh-token.test/log');
    const note = signNote(formatCheckpoint({ origin: 'refresh-token.test/log', size: 3, root }), [signer]);
    expect(parseCheckpoint(openNote(note, [parseVerifierKey(signer.verifierKey)]).text).size).toBe(3);
    const other = generateNoteSigner('refresh-token.test/log');
    expect(() => openNote(note, [parseVerifierKey(other.verifierKey)])).toThrow(expect.objectContaining({ code: 'TLOG_NOT_SIGNED' }));
  });
});
