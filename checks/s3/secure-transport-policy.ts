import { defineDatastoreCheck, type DatastoreCheckInput, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { withBucketRemediation } from './_remediation';

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function everyone(principal: unknown): boolean {
  if (principal === '*') return true;
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  return list(aws as string | string[] | undefined).includes('*');
}

function deniesPlainHttp(condition: Statement['Condition']): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    if (operator !== 'Bool') continue;
    for (const [key, value] of Object.entries(entries)) {
      if (key.toLowerCase() === 'aws:securetransport' && list(value as unknown).some((v) => String(v).toLowerCase() === 'false')) return true;
    }
  }
  return false;
}

/**
 * The condition keys of a statement besides aws:SecureTransport: IAM ANDs every key of
 * every operator, so each one narrows the deny to the requests that also match it.
 */
function otherConditions(condition: Statement['Condition']): string[] {
  return Object.entries(condition ?? {}).flatMap(([operator, entries]) =>
    Object.keys(entries)
      .filter((key) => !(operator === 'Bool' && key.toLowerCase() === 'aws:securetransport'))
      .map((key) => `${operator} ${key}`),
  );
}

/**
 * The statements denying every principal every S3 action on the bucket's objects when
 * aws:SecureTransport is false: `whole` when one has no other condition, else those
 * whose further conditions limit which plaintext requests they deny.
 */
function secureTransportStatements(document: string, bucket: string): { whole?: Statement; narrowed: Statement[] } {
  const parsed = JSON.parse(document) as { Statement?: Statement | Statement[] };
  const objects = [`arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}*`, '*'];
  const matching = list(parsed.Statement).filter(
    (s) =>
      s.Effect === 'Deny' &&
      everyone(s.Principal) &&
      list(s.Action).some((a) => a === 's3:*' || a === '*') &&
      list(s.Resource).some((r) => objects.includes(r)) &&
      deniesPlainHttp(s.Condition),
  );
  const whole = matching.find((s) => otherConditions(s.Condition).length === 0);
  return whole ? { whole, narrowed: [] } : { narrowed: matching };
}

const REMEDIATION =
  'Add a statement {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::<bucket>","arn:aws:s3:::<bucket>/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}} to the bucket policy.';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 's3',
  id: 's3.secure-transport-policy',
  title: 'S3 bucket policy refuses requests without TLS',
  severity: 'medium',
  description:
    'The bucket policy denies every principal all S3 actions on the bucket\'s objects when aws:SecureTransport is false, with no further condition (another condition key in the statement limits the deny to the requests that match it too: unknown, not a pass).',
  remediation: REMEDIATION,
  docs: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit',
  evaluate(input): FindingDraft[] {
    return withBucketRemediation(REMEDIATION, input.facts.bucket, judge(input));
  },
});

function judge({ datastore, facts }: DatastoreCheckInput<'s3'>): FindingDraft[] {
  const resource = datastore.name;
  if (!facts.policy.ok) return [unreadable(resource, facts.policy)];
  const source = facts.policy.source;
  const document = facts.policy.value.document;
  if (document === null) {
    return [{ resource, status: 'fail', message: `bucket ${facts.bucket} has no bucket policy, so requests over plain HTTP are allowed`, evidence: [{ source, field: 'Policy', value: null }] }];
  }
  let found: ReturnType<typeof secureTransportStatements>;
  try {
    found = secureTransportStatements(document, facts.bucket);
  } catch {
    return [{ resource, status: 'unknown', message: `bucket ${facts.bucket}'s policy is not valid JSON`, evidence: [{ source, field: 'Policy', value: 'unparseable' }] }];
  }
  const statement = found.whole;
  if (!statement && found.narrowed.length > 0) {
    const narrowed = found.narrowed[0]!;
    const others = otherConditions(narrowed.Condition);
    return [
      {
        resource,
        status: 'unknown',
        message: `bucket ${facts.bucket}'s policy denies requests without TLS only when further conditions also hold (${others.join(', ')}): not fully assessed, plaintext requests outside them are allowed`,
        evidence: [{ source, field: `Statement ${narrowed.Sid ?? '(no Sid)'}`, value: JSON.stringify(narrowed.Condition) }],
      },
    ];
  }
  if (!statement) {
    return [{ resource, status: 'fail', message: `bucket ${facts.bucket}'s policy has no Deny for aws:SecureTransport = false`, evidence: [{ source, field: 'Statement', value: 'no secure-transport deny' }] }];
  }
  return [
    {
      resource,
      status: 'pass',
      message: `bucket ${facts.bucket} denies requests without TLS`,
      evidence: [{ source, field: `Statement ${statement.Sid ?? '(no Sid)'}`, value: JSON.stringify(statement.Condition) }],
    },
  ];
}
