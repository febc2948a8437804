/**
 * One chunk of contacts against Keap: read the contacts, read the opt states of the emails
 * to opt out, plan, then write in two waves (an opt-out of a NEW email only after its
 * PATCH succeeded). Keap errors (KeapAccessError, KeapUnavailableError) propagate.
 */
import type {
  EmailOptState,
  KeapContact,
  KeapGateway,
  KeapWrite,
  WriteResult,
} from '../keap/model';
import {
  firstWave,
  optOutTarget,
  planUnit,
  resolveUnit,
  secondWave,
  type UnitPlan,
  type UnitResult,
} from './plan';
import type { WorkUnit } from './worklist';

export interface ChunkReads {
  contacts: Map<number, KeapContact>;
  optStates: Map<string, EmailOptState>;
}

/** Keap's current state for these units, in as few reads as the gateway can make. */
export function readKeapState(gateway: KeapGateway, units: readonly WorkUnit[]): ChunkReads {
  const contacts = gateway.readContacts(units.map((unit) => unit.contactId));
  const targets = new Set<string>();
  for (const unit of units) {
    const target = optOutTarget(unit, contacts.get(unit.contactId));
    if (target !== null) targets.add(target.toLowerCase());
  }
  const optStates = targets.size > 0 ? gateway.readOptStates([...targets]) : new Map();
  return { contacts, optStates };
}

export function planChunk(
  units: readonly WorkUnit[],
  reads: ChunkReads,
  defaultReason?: string,
): UnitPlan[] {
  return units.map((unit) =>
    planUnit(unit, reads.contacts.get(unit.contactId), reads.optStates, defaultReason),
  );
}

function send(gateway: KeapGateway, wave: Map<UnitPlan, KeapWrite>): Map<UnitPlan, WriteResult> {
  const results = new Map<UnitPlan, WriteResult>();
  if (wave.size === 0) return results;
  const plans = [...wave.keys()];
  const answers = gateway.write([...wave.values()]);
  plans.forEach((plan, i) => {
    const answer = answers[i];
    if (answer) results.set(plan, answer);
  });
  return results;
}

export function syncChunk(
  gateway: KeapGateway,
  units: readonly WorkUnit[],
  defaultReason?: string,
): UnitResult[] {
  const plans = planChunk(units, readKeapState(gateway, units), defaultReason);
  const first = send(gateway, firstWave(plans));
  const second = send(gateway, secondWave(plans, first));
  return plans.map((plan) => resolveUnit(plan, first.get(plan), second.get(plan)));
}
