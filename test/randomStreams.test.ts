import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../src/random.js';
import { SEED_STREAMS, allocateRepeatedStreams, allocateStreams, pickStreams } from '../src/randomStreams.js';

const draws = (rng: Random) => Array.from({ length: 4 }, () => rng.uniform());

describe('allocateStreams', () => {
  it('allocateStreams(rng, purposes) gives purpose i the stream rng.split(n)[i] and leaves rng unchanged', () => {
    const rng = createRandom(11);
    const before = rng.state();
    const { task, policy, split } = allocateStreams(rng, ['task', 'policy', 'split']);
    const old = createRandom(11).split(3);
    expect([draws(task), draws(policy), draws(split)]).toEqual(old.map(draws));
    expect(rng.state()).toEqual(before);
  });

  it('allocateStreams refuses a purpose named twice and an empty layout', () => {
    expect(() => allocateStreams(createRandom(1), ['task', 'actions', 'task'])).toThrow('stream purposes must be distinct, got "task" twice in [task, actions, task]');
    expect(() => allocateStreams(createRandom(1), [])).toThrow('stream purposes must name at least one stream, got none');
  });
});

describe('pickStreams', () => {
  it('pickStreams(rng, SEED_STREAMS, names) gives the old split indices: dataset 0-2, evaluation 3-4, online training 5', () => {
    const seed = 42;
    const dataset = pickStreams(createRandom(seed), SEED_STREAMS, ['datasetTask', 'datasetPolicy', 'datasetSplit']);
    expect([dataset.datasetTask, dataset.datasetPolicy, dataset.datasetSplit].map(draws)).toEqual(createRandom(seed).split(3).map(draws));
    const [, , , taskRng, playRng] = createRandom(seed).split(5);
    const evaluation = pickStreams(createRandom(seed), SEED_STREAMS, ['evaluationPlay', 'evaluationTask']);
    expect(draws(evaluation.evaluationTask)).toEqual(draws(taskRng));
    expect(draws(evaluation.evaluationPlay)).toEqual(draws(playRng));
    expect(draws(pickStreams(createRandom(seed), SEED_STREAMS, ['onlineTraining']).onlineTraining)).toEqual(draws(createRandom(seed).split(6)[5]));
  });

  it('pickStreams refuses a name the layout does not declare, and a name asked twice', () => {
    expect(() => pickStreams(createRandom(1), SEED_STREAMS, ['evaluationTask', 'training' as 'evaluationTask'])).toThrow(
      'stream "training" is not declared; expected one of datasetTask, datasetPolicy, datasetSplit, evaluationTask, evaluationPlay, onlineTraining',
    );
    expect(() => pickStreams(createRandom(1), SEED_STREAMS, ['datasetTask', 'datasetTask'])).toThrow('stream purposes must be distinct, got "datasetTask" twice');
    expect(() => pickStreams(createRandom(1), ['a', 'b', 'a'], ['b'])).toThrow('stream purposes must be distinct, got "a" twice');
  });
});

describe('allocateRepeatedStreams', () => {
  it('allocateRepeatedStreams puts the shared streams first, then each member\'s group (a run: 0 task seeds, 1+2i init, 2+2i actions)', () => {
    const old = createRandom(5).split(1 + 2 * 3);
    const { shared, members } = allocateRepeatedStreams(createRandom(5), { shared: ['taskSeeds'], perMember: ['init', 'actions'], members: 3 });
    expect(draws(shared.taskSeeds)).toEqual(draws(old[0]));
    expect(members.map((m) => [draws(m.init), draws(m.actions)])).toEqual([0, 1, 2].map((i) => [draws(old[1 + 2 * i]), draws(old[2 + 2 * i])]));
  });

  it('allocateRepeatedStreams refuses a name in both groups and a bad member count', () => {
    expect(() => allocateRepeatedStreams(createRandom(1), { shared: ['init'], perMember: ['init'], members: 2 })).toThrow('stream purposes must be distinct, got "init" twice');
    expect(() => allocateRepeatedStreams(createRandom(1), { shared: ['a'], perMember: ['b'], members: 1.5 })).toThrow('members must be an integer >= 0, got 1.5');
  });
});
