// A certificate made at test start for the sites served over https (the shops and the consent
// platforms' real host names, all on the local server): self-signed, for two days, with every
// name as a subjectAltName. The browsers are told to accept it (Chromium
// --ignore-certificate-errors, Firefox acceptInsecureCerts); it never leaves the machine.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Makes a key and certificate for `hosts`; returns {key, cert} (PEM text). */
export function makeCertificate(hosts) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-tls-'));
  try {
    const san = hosts.map((h) => `DNS:${h}`).join(',');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=cookie-warden-test',
        '-addext', `subjectAltName=${san}`, '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    return { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
