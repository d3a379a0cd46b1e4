import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { SERVING_ENV, servingConfigFromEnv } from '../../../shared/adapters/serving/env.js';
import { buildClientOptions, InvalidServingConfigError } from '../../../shared/adapters/serving/index.js';
import {
  STARFIELD_CLASS_2_ROOT_PEM,
  STARFIELD_CLASS_2_ROOT_SHA256,
} from '../../../shared/adapters/serving/starfield-root.js';

const { consistencies } = cassandra.types;

describe('buildClientOptions', () => {
  it('local: plain CQL to the given host:port, LOCAL_ONE, prepared idempotent statements, no auth, no TLS', () => {
    const o = buildClientOptions({ kind: 'local', contactPoints: ['127.0.0.1:40123'] });
    expect(o.contactPoints).toEqual(['127.0.0.1:40123']);
    expect(o.localDataCenter).toBe('datacenter1');
    expect(o.queryOptions).toMatchObject({
      consistency: consistencies.localOne,
      prepare: true,
      isIdempotent: true,
    });
    expect(o.authProvider).toBeUndefined();
    expect(o.sslOptions).toBeUndefined();
    // null = server-side timestamps (see client-options.ts): the driver must accept it.
    expect(() => new cassandra.Client(o)).not.toThrow();
  });

  it('keyspaces: TLS to cassandra.<region>.amazonaws.com:9142, LOCAL_QUORUM, localDataCenter = region', () => {
    const o = buildClientOptions({
      kind: 'keyspaces',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    expect(o.contactPoints).toEqual(['cassandra.eu-west-1.amazonaws.com']);
    expect(o.protocolOptions?.port).toBe(9142);
    expect(o.localDataCenter).toBe('eu-west-1');
    expect(o.queryOptions).toMatchObject({
      consistency: consistencies.localQuorum,
      serialConsistency: consistencies.localSerial,
      prepare: true,
      isIdempotent: true,
    });
    expect(o.sslOptions).toMatchObject({
      servername: 'cassandra.eu-west-1.amazonaws.com',
      rejectUnauthorized: true,
    });
  });

  it('keyspaces: trusts Amazon Root CA 1 from Node’s root store and Starfield Class 2, which that store lacks, plus any extra PEM', () => {
    expect(rootCertificates.some((p) => new X509Certificate(p).subject.includes('Starfield Class 2'))).toBe(
      false,
    );
    const o = buildClientOptions({
      kind: 'keyspaces',
      region: 'us-east-1',
      extraCaPem: ['-----BEGIN CERTIFICATE-----x'],
    });
    const ca = o.sslOptions!.ca as string[];
    const certificates = ca
      .filter((p) => p.includes('BEGIN CERTIFICATE-----\n'))
      .map((p) => new X509Certificate(p));
    expect(certificates.some((c) => c.subject.includes('CN=Amazon Root CA 1'))).toBe(true);
    const starfield = certificates.find((c) =>
      c.subject.includes('OU=Starfield Class 2 Certification Authority'),
    );
    // The root AWS publishes as sf-class2-root.crt, by its fingerprint.
    expect(starfield?.fingerprint256).toBe(STARFIELD_CLASS_2_ROOT_SHA256);
    expect(starfield?.ca).toBe(true);
    expect(ca.at(-1)).toBe('-----BEGIN CERTIFICATE-----x');
  });

  it('keyspaces: reads extra certificates from the environment as PEM text or a file, refusing what does not parse', () => {
    const base = { TICKFLOW_SERVING: 'keyspaces', AWS_REGION: 'eu-west-1' };
    const pem = STARFIELD_CLASS_2_ROOT_PEM;
    const fromText = servingConfigFromEnv({ ...base, [SERVING_ENV.extraCaPem]: `${pem}\n${pem}` });
    expect(fromText).toMatchObject({ extraCaPem: [pem, pem] });
    const dir = mkdtempSync(join(tmpdir(), 'tickflow-ca-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), pem);
      expect(servingConfigFromEnv({ ...base, [SERVING_ENV.extraCaPem]: join(dir, 'ca.pem') })).toMatchObject({
        extraCaPem: [pem],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => servingConfigFromEnv({ ...base, [SERVING_ENV.extraCaPem]: '/no/such/file.pem' })).toThrow(
      /TICKFLOW_SERVING_EXTRA_CA_PEM is neither PEM text nor a readable file/,
    );
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
    expect(() => servingConfigFromEnv({ ...base, [SERVING_ENV.extraCaPem]: broken })).toThrow(
      /TICKFLOW_SERVING_EXTRA_CA_PEM certificate 1 cannot be parsed/,
    );
  });

  it('keyspaces: authenticates with SigV4 for the region (initial response "SigV4")', async () => {
    const o = buildClientOptions({
      kind: 'keyspaces',
      region: 'eu-central-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const provider = o.authProvider as cassandra.auth.AuthProvider & { region: string };
    expect(provider.constructor.name).toBe('SigV4AuthProvider');
    expect(provider.region).toBe('eu-central-1');
    const authenticator = provider.newAuthenticator(
      'cassandra.eu-central-1.amazonaws.com:9142',
      'com.amazonaws.cassandra.auth.SigV4Authenticator',
    );
    const respond = (step: (cb: (err: Error | null, buf: Buffer) => void) => void) =>
      new Promise<string>((resolve, reject) =>
        step((err, buf) => (err ? reject(err) : resolve(buf.toString('utf8')))),
      );
    expect(await respond((cb) => authenticator.initialResponse(cb))).toBe('SigV4\0\0');
    // The server's challenge carries a nonce; the answer is signed with the given credentials, offline.
    const signed = await respond((cb) =>
      authenticator.evaluateChallenge(Buffer.from('nonce=0123456789abcdef'), cb),
    );
    expect(signed).toMatch(/signature=[0-9a-f]{64}/);
    expect(signed).toContain('access_key=AKIDEXAMPLE');
  });

  it('rejects a malformed region and an empty contact-point list, naming the field', () => {
    expect(() => buildClientOptions({ kind: 'keyspaces', region: 'Ireland' })).toThrow(
      InvalidServingConfigError,
    );
    expect(() => buildClientOptions({ kind: 'local', contactPoints: [] })).toThrow(/contactPoints/);
  });
});
