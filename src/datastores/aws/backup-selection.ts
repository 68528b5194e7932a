// Whether an AWS Backup selection covers a resource, as the AWS Backup
// developer guide ("Assigning resources to a backup plan") defines it. Pure: no I/O.
// Resources (ARNs, * wildcards) OR ListOfTags pick resources; every Conditions
// entry must then hold; NotResources take resources out again.

export interface SelectionCondition {
  key: string;
  value: string;
}

export interface BackupSelectionSpec {
  resources: string[];
  notResources: string[];
  /** ListOfTags: STRINGEQUALS each, any of them picks the resource. */
  tags: SelectionCondition[];
  conditions: {
    stringEquals: SelectionCondition[];
    stringNotEquals: SelectionCondition[];
    stringLike: SelectionCondition[];
    stringNotLike: SelectionCondition[];
  };
}

export interface SelectableResource {
  arn: string;
  /** null when continuity does not read this resource's tags. */
  tags: Record<string, string> | null;
}

/** AWS wildcards: * any run of characters, ? one character. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** Conditions name tags as aws:ResourceTag/<key>; ListOfTags may name the key alone. */
const tagKey = (key: string): string => key.replace(/^aws:ResourceTag\//, '');

/** true, false, or the reason it cannot be told (tags that were not read). */
export function selects(spec: BackupSelectionSpec, resource: SelectableResource): boolean | { undetermined: string } {
  if (spec.notResources.some((p) => wildcard(p).test(resource.arn))) return false;
  const { stringEquals, stringNotEquals, stringLike, stringNotLike } = spec.conditions;
  const conditionCount = stringEquals.length + stringNotEquals.length + stringLike.length + stringNotLike.length;
  const byArn = spec.resources.some((p) => wildcard(p).test(resource.arn));
  if (!byArn && spec.tags.length === 0) return false;
  if (resource.tags === null && (!byArn || conditionCount > 0)) return { undetermined: 'the selection picks by tags, which continuity does not read for this resource type' };
  const tags = resource.tags ?? {};
  const tag = (c: SelectionCondition) => tags[tagKey(c.key)];
  const picked = byArn || spec.tags.some((c) => tag(c) === c.value);
  if (!picked) return false;
  return (
    stringEquals.every((c) => tag(c) === c.value) &&
    stringNotEquals.every((c) => tag(c) !== c.value) &&
    stringLike.every((c) => tag(c) !== undefined && wildcard(c.value).test(tag(c)!)) &&
    stringNotLike.every((c) => tag(c) === undefined || !wildcard(c.value).test(tag(c)!))
  );
}
