import { qualifiedName } from '../sql';
import { namedIn, type LintRule } from './rule';

export default {
  id: 'domain-constraint-without-not-valid',
  title: 'Domain constraint added without NOT VALID',
  severity: 'medium',
  category: 'locking',
  flags: '`ALTER DOMAIN … ADD CONSTRAINT` without `NOT VALID` on an existing domain',
  doc: 'ALTER DOMAIN ... ADD CONSTRAINT checks every column of every table that uses the domain, holding a SHARE lock on each table (writes blocked) for the whole scan. Add it NOT VALID, then ALTER DOMAIN ... VALIDATE CONSTRAINT in a later transaction.',
  check(context) {
    const { kind, node } = context.statement;
    if (kind !== 'AlterDomainStmt' || node.subtype !== 'C' || node.def?.Constraint?.skip_validation) return [];
    const domain = qualifiedName(node.typeName);
    if (namedIn(context.created.types, domain)) return [];
    return [`adds constraint ${node.def?.Constraint?.conname ?? '(unnamed)'} to domain ${domain} without NOT VALID, scanning every table that uses it while blocking writes`];
  },
} satisfies LintRule;
