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

/** The statement denying every principal every S3 action on the bucket's objects when aws:SecureTransport is false. */
function secureTransportStatement(document: string, bucket: string): Statement | undefined {
  const parsed = JSON.parse(document) as { Statement?: Statement | Statement[] };
  const objects = [`arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}*`, '*'];
  return list(parsed.Statement).find(
    (s) =>
      s.Effect === 'Deny' &&
      everyone(s.Principal) &&
      list(s.Action).some((a) => a === 's3:*' || a === '*') &&
      list(s.Resource).some((r) => objects.includes(r)) &&
      deniesPlainHttp(s.Condition),
  );
}

const REMEDIATION =
  'Add a statement {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::<bucket>","arn:aws:s3:::<bucket>/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}} to the bucket policy.';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 's3',
  id: 's3.secure-transport-policy',
  title: 'S3 bucket policy refuses requests without TLS',
  severity: 'medium',
  description: 'The bucket policy denies every principal all S3 actions on the bucket\'s objects when aws:SecureTransport is false.',
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
  let statement: Statement | undefined;
  try {
    statement = secureTransportStatement(document, facts.bucket);
  } catch {
    return [{ resource, status: 'unknown', message: `bucket ${facts.bucket}'s policy is not valid JSON`, evidence: [{ source, field: 'Policy', value: 'unparseable' }] }];
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
