/**
 * Chunks of contacts against Keap: read the contacts, read the opt states of the emails to
 * opt out, plan, then write in two waves (an opt-out of a NEW email only after its PATCH
 * succeeded). Keap errors (KeapAccessError, KeapUnavailableError) propagate.
 *
 * Chunks run as a pipeline: a chunk's second wave goes out in the same write call as the
 * next chunk's first wave, so fewer write batches leave Keap part-filled. A unit with no
 * second-wave write is done once its first wave is answered, and is handed back then: its
 * rows get their status (and count in the progress) while the next chunk is synced, not
 * after it.
 */
import {
  unknownWriteKind,
  type EmailOptState,
  type KeapContact,
  type KeapGateway,
  type KeapWrite,
  type WriteResult,
} from '../keap/model';
import { lowerCased } from '../sheet/cells';
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
    if (target !== null) targets.add(lowerCased(target));
  }
  const optStates = targets.size > 0 ? gateway.readOptStates([...targets]) : new Map();
  return { contacts, optStates };
}

export function planChunk(units: readonly WorkUnit[], reads: ChunkReads): UnitPlan[] {
  return units.map((unit) => planUnit(unit, reads.contacts.get(unit.contactId), reads.optStates));
}

/** Writes of one call that Keap would do once: an opt-out is the same for its address. */
function sharedWriteKey(write: KeapWrite): string | null {
  switch (write.kind) {
    case 'optOut':
      return lowerCased(write.email);
    case 'setEmails':
      return null;
    default:
      return unknownWriteKind(write);
  }
}

/**
 * Sends one write call for the writes of several plans. Two opt-outs of the same email in
 * one call (rows of different contacts sharing an address) are sent once and share the answer.
 */
function send(gateway: KeapGateway, wave: Map<UnitPlan, KeapWrite>): Map<UnitPlan, WriteResult> {
  const results = new Map<UnitPlan, WriteResult>();
  if (wave.size === 0) return results;
  const plans = [...wave.keys()];
  const unique: KeapWrite[] = [];
  const optOutAt = new Map<string, number>();
  const slotOf = plans.map((plan) => {
    const write = wave.get(plan) as KeapWrite;
    const key = sharedWriteKey(write);
    const earlier = key === null ? undefined : optOutAt.get(key);
    if (earlier !== undefined) return earlier;
    if (key !== null) optOutAt.set(key, unique.length);
    unique.push(write);
    return unique.length - 1;
  });
  const answers = gateway.write(unique);
  plans.forEach((plan, i) => {
    const answer = answers[slotOf[i]];
    if (answer) results.set(plan, answer);
  });
  return results;
}

interface WaitingChunk {
  plans: UnitPlan[];
  first: Map<UnitPlan, WriteResult>;
}

/**
 * Chunks in order, each chunk's second wave sent together with the next chunk's first wave.
 * The next chunk's reads come before that call, so what they see of an opt-out still in the
 * pipeline is deduplicated in the call itself.
 */
export class ChunkPipeline {
  private waiting: WaitingChunk | null = null;

  constructor(private readonly gateway: KeapGateway) {}

  /**
   * Reads and plans `units` and sends their first wave; returns the previous chunk's units
   * still waiting, and those of `units` that need no second wave (done now).
   */
  push(units: readonly WorkUnit[]): UnitResult[] {
    const plans = planChunk(units, readKeapState(this.gateway, units));
    const previous = this.waiting;
    const writes = previous ? secondWave(previous.plans, previous.first) : new Map();
    for (const [plan, write] of firstWave(plans)) writes.set(plan, write);
    const answers = send(this.gateway, writes);
    const first = new Map(plans.flatMap((p) => pair(p, answers.get(p))));
    const next = secondWave(plans, first);
    const done = plans.filter((plan) => !next.has(plan));
    this.waiting = { plans: plans.filter((plan) => next.has(plan)), first };
    return [
      ...(previous ? this.resolve(previous, answers) : []),
      ...this.resolve({ plans: done, first }, new Map()),
    ];
  }

  /** Sends the last chunk's second wave and returns its results. */
  flush(): UnitResult[] {
    const last = this.waiting;
    this.waiting = null;
    return last ? this.resolve(last, send(this.gateway, secondWave(last.plans, last.first))) : [];
  }

  /** After a failure: the waiting chunk as far as it got (second-wave writes not sent). */
  abandon(): UnitResult[] {
    const last = this.waiting;
    this.waiting = null;
    return last ? this.resolve(last, new Map()) : [];
  }

  private resolve(chunk: WaitingChunk, second: Map<UnitPlan, WriteResult>): UnitResult[] {
    return chunk.plans.map((plan) => resolveUnit(plan, chunk.first.get(plan), second.get(plan)));
  }
}

function pair(plan: UnitPlan, answer: WriteResult | undefined): [UnitPlan, WriteResult][] {
  return answer ? [[plan, answer]] : [];
}
