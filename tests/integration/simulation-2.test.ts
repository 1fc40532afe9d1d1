import { simulationShard } from '../simulation/shard';

// Issue 11: seeded random command sequences against a reference model (see tests/simulation).
simulationShard(1, 4);
