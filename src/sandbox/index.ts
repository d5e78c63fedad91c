/** Public API of the Focus simulator. */

export { signJwt, verifyJwt } from './auth.js';
export { generateDataset } from './data.js';
export { DEFAULT_FAULTS, type FaultOptions } from './faults.js';
export { FIXTURES } from './fixtures.js';
export { isProfileName, PROFILE_NAMES, PROFILES, type ProfileName, withProfile } from './profiles.js';
export { createRng } from './random.js';
export { type FocusSimulator, type SimulatorOptions, startFocusSimulator } from './server.js';
export type { RequestRecord, SimulatorStats } from './stats.js';
export type * from './types.js';
export { DOCUMENTED_FIELDS, project, shapeBody } from './types.js';
