import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway PKI for the local node's client encryption: a CA, and a server keystore it signed. */
export interface NodeCertificates {
  /** The CA's certificate (PEM): what a client trusts (`extraCaPem`). */
  readonly caPem: string;
  /** Another CA's certificate, which signed nothing here: trusting only it must fail. */
  readonly foreignCaPem: string;
  /** PKCS12 keystore holding the node's key and its chain (node certificate, CA). */
  readonly keystore: string;
  readonly password: string;
}

/**
 * Runs keytool commands in ONE JVM (keytool's own entry point, called once per command): nine JVM
 * starts of `keytool` took ~4 s each on a loaded 2-core machine, where one JVM runs them all in a few.
 */
const KEYTOOL_IN_ONE_JVM = `public class KeytoolCommands {
  public static void main(String[] args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>();
    for (String a : args) {
      if (a.equals("--next")) { run(command); command.clear(); } else command.add(a);
    }
    run(command);
  }
  static void run(java.util.List<String> command) throws Exception {
    if (!command.isEmpty()) sun.security.tools.keytool.Main.main(command.toArray(new String[0]));
  }
}
`;

/**
 * Makes a CA and a node certificate it signs for the name `localhost` only (subject alternative
 * name, server authentication; not for 127.0.0.1, so a client that verifies names must use the name), valid two days, with the JDK's keytool (Java 17 is what the local
 * Cassandra needs anyway), and a second CA that signed nothing (`foreignCaPem`: what a client that
 * trusts the wrong CA holds). For tests of the Keyspaces TLS path against the local node.
 *
 * @example const certs = await makeNodeCertificates(dir); startLocalCassandra({ clientTls: certs })
 */
export async function makeNodeCertificates(dir: string, javaBin = 'java'): Promise<NodeCertificates> {
  const password = randomBytes(12).toString('hex');
  const file = (name: string) => join(dir, name);
  const store = (name: string) => ['-keystore', file(name), '-storepass', password, '-storetype', 'PKCS12'];
  const newKey = (alias: string, dname: string, keystore: string, ...ext: string[]) => [
    ...['-genkeypair', '-alias', alias, '-keyalg', 'RSA', '-keysize', '2048', '-validity', '2'],
    ...['-dname', dname, ...ext, ...store(keystore)],
  ];
  const commands = [
    newKey('ca', 'CN=tickflow local test CA', 'ca.p12', '-ext', 'bc:c'),
    ['-exportcert', '-rfc', '-alias', 'ca', '-file', file('ca.pem'), ...store('ca.p12')],
    newKey('ca', 'CN=tickflow foreign test CA', 'foreign.p12', '-ext', 'bc:c'),
    ['-exportcert', '-rfc', '-alias', 'ca', '-file', file('foreign.pem'), ...store('foreign.p12')],
    newKey('node', 'CN=localhost', 'node.p12'),
    ['-certreq', '-alias', 'node', '-file', file('node.csr'), ...store('node.p12')],
    [
      ...['-gencert', '-alias', 'ca', '-infile', file('node.csr'), '-outfile', file('node.pem'), '-rfc'],
      ...['-validity', '2', '-ext', 'SAN=dns:localhost'],
      ...['-ext', 'KU=digitalSignature,keyEncipherment', '-ext', 'EKU=serverAuth', ...store('ca.p12')],
    ],
    // The CA first, so the signed certificate is accepted as the reply that completes the node's chain.
    ['-importcert', '-noprompt', '-alias', 'ca', '-file', file('ca.pem'), ...store('node.p12')],
    ['-importcert', '-noprompt', '-alias', 'node', '-file', file('node.pem'), ...store('node.p12')],
  ];
  const source = file('KeytoolCommands.java');
  await writeFile(source, KEYTOOL_IN_ONE_JVM);
  await run(javaBin, [
    '--add-exports',
    'java.base/sun.security.tools.keytool=ALL-UNNAMED',
    '-XX:TieredStopAtLevel=1',
    source,
    ...commands.flatMap((c, i) => (i === 0 ? c : ['--next', ...c])),
  ]);
  return {
    caPem: await readFile(file('ca.pem'), 'utf8'),
    foreignCaPem: await readFile(file('foreign.pem'), 'utf8'),
    keystore: file('node.p12'),
    password,
  };
}
