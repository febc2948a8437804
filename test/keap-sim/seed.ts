import type { NewContact } from './contacts';
import type { KeapLimits } from './limits';
import type { OAuthClient } from './oauth';
import type { KeapSimulator } from './simulator';

/** A JSON description of a simulator's starting state (used by serve.ts and the playground). */
export interface SimSeed {
  clients?: OAuthClient[];
  tenants?: TenantSeed[];
  limits?: Partial<KeapLimits>;
}

export interface TenantSeed {
  tenant: string;
  contacts?: NewContact[];
  /** email -> Keap status value, e.g. {"a@x.com": "MANUAL"}. */
  emailStatuses?: Record<string, string>;
  /** Keys to create; give `value` to get a known key, otherwise one is generated. */
  apiKeys?: { kind: 'PAT' | 'SAK'; value?: string }[];
}

export interface SeededKey {
  tenant: string;
  kind: 'PAT' | 'SAK';
  key: string;
}

export function applySeed(sim: KeapSimulator, seed: SimSeed): { apiKeys: SeededKey[] } {
  Object.assign(sim.limits, seed.limits ?? {});
  for (const c of seed.clients ?? []) sim.registerClient(c);
  const apiKeys: SeededKey[] = [];
  for (const t of seed.tenants ?? []) {
    sim.addTenant(t.tenant);
    for (const c of t.contacts ?? []) sim.addContact(t.tenant, c);
    for (const [email, status] of Object.entries(t.emailStatuses ?? {}))
      sim.setEmailStatus(t.tenant, email, status);
    for (const k of t.apiKeys ?? []) {
      apiKeys.push({
        tenant: t.tenant,
        kind: k.kind,
        key: sim.createApiKey(t.tenant, k.kind, k.value),
      });
    }
  }
  return { apiKeys };
}
