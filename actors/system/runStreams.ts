/**
 * The random streams of a live run, by purpose: the episodes' task seeds (shared by every agent, so
 * all agents play the same task instances), and per agent the initialisation of its model and the
 * sampling of its actions. Derived from the scenario seed by the one allocator of the library
 * (src/randomStreams.ts) in a declared order, so a seed gives the same run as it always has.
 */
import { createRandom, type Random } from '../../src/random.js';
import { allocateRepeatedStreams } from '../../src/randomStreams.js';

export interface RunStreams {
  taskSeeds: Random;
  init(agent: string): Random;
  actions(agent: string): Random;
}

/**
 * @example
 * const streams = runStreams(scenario.seed, scenario.agents.map((a) => a.id));
 * buildAgent(spec.model, taskType, options, streams.init(spec.id));
 */
export function runStreams(seed: number, agents: readonly string[]): RunStreams {
  const { shared, members } = allocateRepeatedStreams(createRandom(seed), { shared: ['taskSeeds'], perMember: ['init', 'actions'], members: agents.length });
  const of = (agent: string) => {
    const i = agents.indexOf(agent);
    if (i < 0) throw new Error(`no random streams for agent ${JSON.stringify(agent)}; the run has ${agents.join(', ')}`);
    return members[i];
  };
  return { taskSeeds: shared.taskSeeds, init: (agent) => of(agent).init, actions: (agent) => of(agent).actions };
}
