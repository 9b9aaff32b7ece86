/**
 * What looks like a credential, by its variable's name or by its value: a manifest is sent
 * to SageMaker and shown in logs and reports, so `${{ env.NAME }}` may not bring one in.
 */

/** Words of a variable's name (split at _, -, . and digits) that name a credential. */
const CREDENTIAL_WORDS = new Set([
  'AUTH',
  'CERT',
  'CERTIFICATE',
  'COOKIE',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
  'DSN',
  'KEY',
  'KEYS',
  'PASS',
  'PASSPHRASE',
  'PASSWD',
  'PASSWORD',
  'PAT',
  'PRIVATE',
  'PWD',
  'SECRET',
  'SECRETS',
  'SESSION',
  'TOKEN',
  'TOKENS',
]);

/** Parts of a name that give a credential away even inside a word (APIKEY, GHTOKEN). */
const CREDENTIAL_PARTS = /SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|APIKEY|ACCESSKEY|PRIVATEKEY/;

/** Why a variable's name looks like a credential's, or undefined. */
export function credentialName(name: string): string | undefined {
  const upper = name.toUpperCase();
  const word = upper.split(/[^A-Z]+/).find((w) => CREDENTIAL_WORDS.has(w));
  if (word) return `its name contains ${word}`;
  const part = CREDENTIAL_PARTS.exec(upper)?.[0];
  return part ? `its name contains ${part}` : undefined;
}

const CREDENTIAL_VALUES: [RegExp, string][] = [
  [/\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b/, 'an AWS access key id'],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/, 'a GitHub token'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/, 'a JSON web token'],
  [/-----BEGIN [A-Z0-9 ]*(?:PRIVATE KEY|CERTIFICATE)[A-Z ]*-----/, 'a PEM block'],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]+@/i, 'a URL with a password'],
  [/\b(?:xox[abpr]-|sk-[A-Za-z0-9]{20,}|npm_[A-Za-z0-9]{30,})/, 'an API token'],
];

/** What a value looks like when it looks like a credential, or undefined. */
export function credentialValue(value: string): string | undefined {
  return CREDENTIAL_VALUES.find(([pattern]) => pattern.test(value))?.[1];
}
