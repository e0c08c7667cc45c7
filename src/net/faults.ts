/**
 * The fault filter: rules that drop or delay internode messages chosen by
 * verb, source and destination, so tests and operators can rehearse
 * partitions and slow replicas (`sibyltool faults ...`). Each node holds its
 * own filter; MessagingService consults it for every message it sends (from =
 * this node) and every message it receives (to = this node), so a rule may be
 * installed at either end. A rule installed at both ends applies at both: a
 * delay then counts twice, a drop makes no difference.
 *
 * When several rules match, a drop wins over any delay; among delays the
 * oldest rule decides. Every rule counts the messages it acted on.
 */
import { InvalidRequestError } from '../util/errors.js';
import type { EndpointId } from './payloads.js';
import { isVerbName } from './verbs.js';

export type FaultAction = 'drop' | 'delay';

export interface FaultRule {
  action: FaultAction;
  /** A verb name (e.g. MUTATION, MUTATION_RSP) or '*'. */
  verb: string;
  from: EndpointId | '*';
  to: EndpointId | '*';
  /** For 'delay': how long the message is held. */
  delayMs?: number;
}

export interface FaultRuleStatus extends FaultRule {
  id: number;
  /** Messages this rule dropped or delayed. */
  matched: number;
}

export type FaultDecision = { action: 'pass' } | { action: 'drop' } | { action: 'delay'; delayMs: number };

const PASS: FaultDecision = { action: 'pass' };

export class FaultFilter {
  private readonly rules = new Map<number, FaultRuleStatus>();
  private nextId = 1;

  add(rule: FaultRule): number {
    if (rule.verb !== '*' && !isVerbName(rule.verb)) throw new InvalidRequestError(`unknown verb '${rule.verb}'`);
    if (rule.action === 'delay' && !(Number.isFinite(rule.delayMs) && rule.delayMs! >= 0)) {
      throw new InvalidRequestError('a delay rule needs a delay of zero or more milliseconds');
    }
    const id = this.nextId++;
    const status: FaultRuleStatus = { id, action: rule.action, verb: rule.verb, from: rule.from, to: rule.to, matched: 0 };
    if (rule.action === 'delay') status.delayMs = rule.delayMs!;
    this.rules.set(id, status);
    return id;
  }

  /** Returns whether a rule with that id existed. */
  remove(id: number): boolean {
    return this.rules.delete(id);
  }

  list(): FaultRuleStatus[] {
    return [...this.rules.values()].map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules.clear();
  }

  /** Decides one message's fate and counts it against the rule that decided. */
  decide(verb: string, from: EndpointId, to: EndpointId): FaultDecision {
    if (this.rules.size === 0) return PASS;
    let delay: FaultRuleStatus | undefined;
    for (const rule of this.rules.values()) {
      if (!matches(rule, verb, from, to)) continue;
      if (rule.action === 'drop') {
        rule.matched++;
        return { action: 'drop' };
      }
      delay ??= rule;
    }
    if (!delay) return PASS;
    delay.matched++;
    return { action: 'delay', delayMs: delay.delayMs! };
  }
}

function matches(rule: FaultRule, verb: string, from: EndpointId, to: EndpointId): boolean {
  return (rule.verb === '*' || rule.verb === verb) && (rule.from === '*' || rule.from === from) && (rule.to === '*' || rule.to === to);
}
