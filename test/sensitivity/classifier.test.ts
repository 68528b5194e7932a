import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLASS_INFO, classifyColumn, remediationFor, SENSITIVE_CLASSES, typeFamily, words } from '../../src/sensitivity';

describe('words', () => {
  it.each([
    ['password_hash', ['password', 'hash']],
    ['firstName', ['first', 'name']],
    ['APIKey', ['api', 'key']],
    ['lastLoginIP', ['last', 'login', 'ip']],
    ['ipv4Address', ['ipv4', 'address']],
    ['IPv6', ['ipv6']],
    ['userIDs', ['user', 'ids']],
    ['api-key', ['api', 'key']],
    ['EMAIL_ADDRESS', ['email', 'address']],
    ['address_line_2', ['address', 'line']],
    ['address2', ['address']],
    ['2fa_secret', ['2fa', 'secret']],
    ['Events.Name', ['events', 'name']],
    ["User's e-mail (primary)", ['user', 's', 'e', 'mail', 'primary']],
  ])('%s', (text, expected) => {
    expect(words(text)).toEqual(expected);
  });
});

describe('typeFamily', () => {
  it.each([
    ['character varying(255)', 'text'],
    ['text[]', 'text'],
    ['public.citext', 'text'],
    ['timestamp(6) with time zone', 'timestamp'],
    ['time without time zone', 'time'],
    ['double precision', 'float'],
    ['numeric(12,2)', 'decimal'],
    ['int8', 'int-big'],
    ['geography(Point,4326)', 'geo-point'],
    ['public.geometry(Polygon,4326)', 'geo-area'],
    ['macaddr', 'network'],
    ['auth.aal_level', 'other'],
    ['LowCardinality(Nullable(String))', 'text'],
    ['Array(IPv6)', 'ip'],
    ['Int8', 'int-small'],
    ['UInt32', 'int'],
    ['UInt64', 'int-big'],
    ['DateTime64(3, \'UTC\')', 'timestamp'],
    ['Decimal(18, 4)', 'decimal'],
    ["Enum8('a' = 1, 'b' = 2)", 'enum'],
    ['Map(LowCardinality(String), String)', 'json'],
  ])('%s is %s', (type, family) => {
    expect(typeFamily(type)).toBe(family);
  });
  it('is undefined without a type', () => {
    expect(typeFamily(undefined)).toBeUndefined();
    expect(typeFamily('  ')).toBeUndefined();
  });
});

describe('classifyColumn', () => {
  it('says what decided: the name, the type or the comment', () => {
    expect(classifyColumn({ table: 'users', name: 'name', type: 'text' })).toEqual({ class: 'person name', kind: 'personal', basis: 'name' });
    expect(classifyColumn({ table: 'query_log', name: 'address', type: 'IPv6' })).toEqual({ class: 'ip address', kind: 'personal', basis: 'type' });
    expect(classifyColumn({ table: 'records', name: 'label', type: 'text', comment: 'customer full name' })).toEqual({
      class: 'person name',
      kind: 'personal',
      basis: 'comment',
    });
    expect(classifyColumn({ table: 'contacts', name: 'value', type: 'public.email_address' })).toMatchObject({ class: 'email', basis: 'type' });
  });

  it('reads the table for bare names only', () => {
    expect(classifyColumn({ table: 'products', name: 'name', type: 'text' })).toBeUndefined();
    expect(classifyColumn({ table: 'products', name: 'owner_name', type: 'text' })?.class).toBe('person name');
    expect(classifyColumn({ table: 'api_keys', name: 'value', type: 'text' })?.class).toBe('secret');
    expect(classifyColumn({ table: 'settings', name: 'value', type: 'text' })).toBeUndefined();
  });

  it('works without a type or a comment, as ClickHouse or a caller may give them', () => {
    expect(classifyColumn({ table: 'events', name: 'UserEmail' })?.class).toBe('email');
    expect(classifyColumn({ table: 'events', name: 'TokenCount' })).toBeUndefined();
  });

  it('lets no boolean be sensitive, whatever its name or comment says', () => {
    expect(classifyColumn({ table: 'users', name: 'email', type: 'boolean', comment: 'customer e-mail' })).toBeUndefined();
    expect(classifyColumn({ table: 'users', name: 'flag', type: 'Bool', comment: 'PII' })).toBeUndefined();
  });
});

describe('classes', () => {
  it('are personal (identify a customer) or secret', () => {
    const secrets = SENSITIVE_CLASSES.filter((c) => CLASS_INFO[c].kind === 'secret');
    expect(secrets).toEqual(['secret', 'hashed secret']);
  });

  it('give hashed secrets their own remediation, not the one for secrets in clear', () => {
    const [hashed] = remediationFor(['hashed secret']);
    const [clear] = remediationFor(['secret']);
    expect(hashed).not.toBe(clear);
    expect(hashed).toMatch(/argon2id|bcrypt/);
    expect(hashed).not.toMatch(/in clear/);
  });

  it('are listed in docs/sensitivity.md with their kind and the types that can hold them', () => {
    const rows = readFileSync(new URL('../../docs/sensitivity.md', import.meta.url), 'utf8')
      .split('\n')
      .map((line) => /^\| ([a-z ]+) \| (personal|secret) \| ([a-z\-, ]+) \|$/.exec(line))
      .filter((m) => m !== null)
      .map((m) => [m[1], m[2], m[3]!.split(', ')]);
    expect(rows).toEqual(SENSITIVE_CLASSES.map((c) => [c, CLASS_INFO[c].kind, [...CLASS_INFO[c].holds]]));
  });

  it('say each remediation once, in class order', () => {
    const sentences = remediationFor(['phone', 'secret', 'email', 'payment card']);
    expect(sentences).toEqual([CLASS_INFO.email.remediation, CLASS_INFO['payment card'].remediation, CLASS_INFO.secret.remediation]);
  });
});
