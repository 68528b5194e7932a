// Config shapes shared by the Kubernetes datastore types (cnpg-cluster,
// crunchy-postgrescluster, k8s-pvc) and the config's kubernetes section. Pure.
import { z } from 'zod';

/** A Kubernetes object name or namespace (RFC 1123 label or subdomain). */
export const KubernetesName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a Kubernetes name: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit');

/** Where a Kubernetes datastore lives. */
export const KUBERNETES_PLACEMENT_FIELDS = {
  context: z
    .string()
    .min(1)
    .optional()
    .describe("The kubeconfig context of the cluster it runs in; the kubeconfig's current context when absent (ignored in-cluster)."),
  namespace: KubernetesName.describe('The namespace of the object.'),
};

export const KubernetesContextSchema = z.strictObject({
  name: z.string().min(1).describe('A kubeconfig context name.'),
  namespaces: z
    .array(KubernetesName)
    .min(1)
    .optional()
    .describe('Namespaces read in this context (one list per namespace); the whole cluster when absent. Needed when the scanner holds a namespaced Role only.'),
});

export const KubernetesSettingsSchema = z.strictObject({
  kubeconfig: z
    .string()
    .min(1)
    .optional()
    .describe('Path of the kubeconfig file; when absent, the default chain: $KUBECONFIG, then ~/.kube/config, then the pod\'s service account.'),
  inCluster: z.boolean().default(false).describe("Use the service account of the pod continuity runs in (its token and CA), not a kubeconfig."),
  contexts: z
    .array(KubernetesContextSchema)
    .default([])
    .describe('Contexts that discovery lists, each with the namespaces it reads; without any, the current context.'),
  namespaces: z
    .array(KubernetesName)
    .min(1)
    .optional()
    .describe('Namespaces read in every context without its own list; the whole cluster when absent.'),
  veleroNamespace: KubernetesName.default('velero').describe('The namespace Velero runs in (its Schedules and Backups live there).'),
  discovery: z
    .boolean()
    .default(false)
    .describe('List every CloudNativePG cluster, PGO PostgresCluster and PersistentVolumeClaim in the contexts and namespaces, and report those no service registers.'),
  pageSize: z.number().int().min(1).max(10_000).default(500).describe('Objects per page of a list (the limit parameter; continue tokens fetch the rest).'),
});
export type KubernetesSettings = z.infer<typeof KubernetesSettingsSchema>;

export const DEFAULT_KUBERNETES_SETTINGS: KubernetesSettings = KubernetesSettingsSchema.parse({});

/** The context discovery names when it lists the current context (or the pod's own cluster). */
export const CURRENT_CONTEXT = '';

/** How a context discovery lists is named in findings: the current context has no name of its own here. */
export const contextLabel = (context: string) => (context === CURRENT_CONTEXT ? 'current context' : context);

/** The contexts discovery lists: the configured ones, else the current context. */
export function discoveryContexts(config: { kubernetes?: KubernetesSettings | undefined }): string[] {
  const settings = config.kubernetes ?? DEFAULT_KUBERNETES_SETTINGS;
  return settings.inCluster || settings.contexts.length === 0 ? [CURRENT_CONTEXT] : settings.contexts.map((c) => c.name);
}
