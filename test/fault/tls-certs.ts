/** A self-signed certificate made at run time with the openssl CLI (Debian package `openssl`), valid for 127.0.0.1-9 and localhost. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface TestCertificate {
  certificate: string;
  privateKey: string;
}

export function selfSignedCertificate(dir: string, name = 'node'): TestCertificate {
  const certificate = join(dir, `${name}.crt.pem`);
  const privateKey = join(dir, `${name}.key.pem`);
  const sans = ['DNS:localhost', ...Array.from({ length: 9 }, (_, i) => `IP:127.0.0.${i + 1}`)].join(',');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', privateKey, '-out', certificate, '-days', '2', '-subj', `/CN=sibyl-test-${name}`, '-addext', `subjectAltName=${sans}`,
  ], { stdio: 'pipe' });
  return { certificate, privateKey };
}
