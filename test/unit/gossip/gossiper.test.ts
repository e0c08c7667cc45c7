import { expect } from 'chai';
import { SystemClock } from '../../../src/clock/clock.js';
import { OffsetClock } from '../../../src/clock/offset-clock.js';
import { decodeTokens } from '../../../src/gossip/endpoint-state.js';
import { eventually, GossipCluster, type GossipNode } from './harness.js';

function allSeeAll(nodes: GossipNode[]): boolean {
  return nodes.every((n) => nodes.every((m) => n.gossiper.isAlive(m.self) && n.gossiper.endpoints().has(m.self)));
}

describe('Gossiper over real messaging', function () {
  this.timeout(10_000);
  const cluster = new GossipCluster();
  afterEach(() => cluster.closeAll());

  async function threeNodes(): Promise<GossipNode[]> {
    const a = await cluster.start({ name: 'a' });
    const b = await cluster.start({ name: 'b', seeds: [a.self] });
    const c = await cluster.start({ name: 'c', seeds: [a.self] });
    await eventually('every node sees every node alive', () => allSeeAll([a, b, c]));
    return [a, b, c];
  }

  it('lets every node learn every other and its state from one seed', async () => {
    const [a, b, c] = await threeNodes();
    const seenByB = b.gossiper.endpoints().get(c.self)!;
    expect(seenByB.states['HOST_ID']!.value).to.equal(c.gossiper.stateOf(c.self, 'HOST_ID'));
    expect(seenByB.states['STATUS']!.value).to.equal('NORMAL');
    expect(seenByB.states['DC']!.value).to.equal('dc1');
    expect(decodeTokens(seenByB.states['TOKENS']!.value)).to.deep.equal(decodeTokens(c.gossiper.stateOf(c.self, 'TOKENS')));
    expect(a.gossiper.liveEndpoints().sort()).to.deep.equal([b.self, c.self].sort());
    expect(a.gossiper.unreachableEndpoints()).to.deep.equal([]);
  });

  it('propagates an application state change to every node, firing onChange', async () => {
    const [a, b, c] = await threeNodes();
    const changes: [string, string, string][] = [];
    c.gossiper.onChange((ep, key, value) => {
      if (key === 'SCHEMA') changes.push([ep, key, value]);
    });
    b.gossiper.updateLocal('SCHEMA', 'schema-2');
    await eventually('SCHEMA reaches a and c', () => a.gossiper.stateOf(b.self, 'SCHEMA') === 'schema-2' && c.gossiper.stateOf(b.self, 'SCHEMA') === 'schema-2');
    expect(changes).to.deep.equal([[b.self, 'SCHEMA', 'schema-2']]);
  });

  it('sees a cleanly stopped node down at once, through its SHUTDOWN announcement', async () => {
    const [a, b, c] = await threeNodes();
    const dead: string[] = [];
    a.gossiper.onDead((ep) => dead.push(ep));
    await cluster.stop(c);
    // Far sooner than the failure detector could convict (about 18 gossip intervals of silence).
    await eventually('a and b see c down', () => !a.gossiper.isAlive(c.self) && !b.gossiper.isAlive(c.self), 400);
    expect(dead).to.deep.equal([c.self]);
    expect(a.gossiper.stateOf(c.self, 'STATUS')).to.equal('SHUTDOWN');
    expect(a.gossiper.unreachableEndpoints()).to.deep.equal([c.self]);
  });

  it('convicts a crashed node through the failure detector', async () => {
    const [a, b, c] = await threeNodes();
    await cluster.kill(c);
    await eventually('a and b convict c', () => !a.gossiper.isAlive(c.self) && !b.gossiper.isAlive(c.self), 4000);
    expect(a.gossiper.stateOf(c.self, 'STATUS')).to.equal('NORMAL');
    expect(a.gossiper.isAlive(b.self)).to.equal(true);
  });

  it('sees a restarted node up again with a new generation, keeping its host id', async () => {
    const [a, b, c] = await threeNodes();
    const before = a.gossiper.endpoints().get(c.self)!;
    const restarts: string[] = [];
    a.gossiper.onRestart((ep) => restarts.push(ep));
    await cluster.stop(c);
    await eventually('a sees c down', () => !a.gossiper.isAlive(c.self), 400);
    const c2 = await cluster.start({ name: 'c', seeds: [a.self], port: c.port, store: c.store });
    expect(c2.self).to.equal(c.self);
    await eventually('everyone sees the restarted c up', () => allSeeAll([a, b, c2]), 4000);
    const seen = a.gossiper.endpoints().get(c.self)!;
    expect(seen.heartbeat.generation).to.be.greaterThan(before.heartbeat.generation);
    expect(seen.states['STATUS']!.value).to.equal('NORMAL');
    expect(seen.states['HOST_ID']!.value).to.equal(before.states['HOST_ID']!.value);
    expect(seen.states['TOKENS']!.value).to.equal(before.states['TOKENS']!.value);
    expect(restarts).to.deep.equal([c.self]);
  });

  it('announces a restart too quick to be convicted with onRestart and onAlive', async () => {
    const [a, b, c] = await threeNodes();
    const events: string[] = [];
    a.gossiper.onRestart((ep) => events.push(`restart ${ep}`));
    a.gossiper.onAlive((ep) => events.push(`alive ${ep}`));
    a.gossiper.onDead((ep) => events.push(`dead ${ep}`));
    await cluster.kill(c);
    const c2 = await cluster.start({ name: 'c', seeds: [a.self], port: c.port, store: c.store });
    await eventually('a announces c alive again', () => events.includes(`alive ${c.self}`), 3000);
    expect(events).to.deep.equal([`restart ${c.self}`, `alive ${c.self}`]);
    await eventually('everyone sees the restarted c up', () => allSeeAll([a, b, c2]));
  });

  it('gossips after a restart with the peers it knew before, so a restarted seed that lists no seeds finds them itself', async () => {
    const a = await cluster.start({ name: 'a' });
    const b = await cluster.start({ name: 'b', seeds: [a.self] });
    await eventually('a and b see each other', () => allSeeAll([a, b]));
    await cluster.kill(a);
    await cluster.kill(b);
    // Nobody tells the restarted seed about b: only what it saved before can lead it there.
    const a2 = await cluster.start({ name: 'a', port: a.port, store: a.store });
    await eventually('a tries to reach b', () => (a2.messaging.connectionStats(b.self)?.connectAttempts ?? 0) > 0, 2000);
    // A saved peer is only somewhere to gossip: it is not a member until it answers.
    expect([...a2.gossiper.endpoints().keys()]).to.deep.equal([a.self]);
    expect(a2.gossiper.unreachableEndpoints()).to.deep.equal([]);
  });

  it('measures clock offsets from WALL_CLOCK_MS: near zero for a true clock, the skew for a skewed one', async () => {
    const a = await cluster.start({ name: 'a' });
    const b = await cluster.start({ name: 'b', seeds: [a.self] });
    const skewed = await cluster.start({ name: 's', seeds: [a.self], clock: new OffsetClock(new SystemClock(), 2000) });
    await eventually('all up', () => allSeeAll([a, b, skewed]));
    // Several rounds, so that a fresh direct sample is among each window.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(a.gossiper.clockOffsetMs(a.self)).to.equal(0);
    expect(a.gossiper.clockOffsetMs(b.self)).to.be.within(-60, 5);
    expect(a.gossiper.clockOffsetMs(skewed.self)).to.be.within(2000 - 60, 2005);
    expect(skewed.gossiper.clockOffsetMs(a.self)).to.be.within(-2000 - 60, -2000 + 5);
  });
});
