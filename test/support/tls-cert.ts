import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A self-signed certificate for 127.0.0.1 made with the JDK's keytool: the broker's key store and the PEM a client trusts. */
export interface TestCertificate {
  /** PKCS12 key store holding the key and the certificate. */
  readonly keyStore: { readonly file: string; readonly password: string };
  /** The certificate, PEM: a client's CA file (it signed itself). */
  readonly caFile: string;
}

/** Writes `broker.p12` and `ca.pem` into `dir` (a day's validity, SAN IP 127.0.0.1 and localhost). */
export function makeTestCertificate(dir: string, keytool = 'keytool'): TestCertificate {
  const file = join(dir, 'broker.p12');
  const caFile = join(dir, 'ca.pem');
  const password = 'tickflow-test';
  const store = ['-keystore', file, '-storetype', 'PKCS12', '-storepass', password];
  execFileSync(
    keytool,
    [
      '-genkeypair',
      '-alias',
      'broker',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-validity',
      '1',
      '-dname',
      'CN=127.0.0.1',
      '-ext',
      'SAN=ip:127.0.0.1,dns:localhost',
      '-keypass',
      password,
      ...store,
    ],
    { stdio: 'pipe' },
  );
  execFileSync(keytool, ['-exportcert', '-rfc', '-alias', 'broker', '-file', caFile, ...store], {
    stdio: 'pipe',
  });
  return { keyStore: { file, password }, caFile };
}
