/** Every scenario of the playground, in tab order. */
import type { AnyScenario } from './scenario.js';
import { clusterScenario } from './ui/cluster-ui.js';
import { balancingScenario } from './ui/balancing-ui.js';
import { expiryScenario } from './ui/expiry-ui.js';
import { persistenceScenario } from './ui/persistence-ui.js';
import { zookeeperScenario } from './ui/zookeeper-ui.js';
import { failoverScenario } from './ui/failover-ui.js';

export const SCENARIOS: readonly AnyScenario[] = [
  zookeeperScenario,
  clusterScenario,
  expiryScenario,
  persistenceScenario,
  balancingScenario,
  failoverScenario,
];
