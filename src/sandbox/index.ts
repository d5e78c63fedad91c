/** Public API of the Focus simulator. */

export { type DatasetOptions, generateDataset } from './data.js';
export { DEFAULT_FAULTS, type FaultOptions } from './faults.js';
export { FIXTURES } from './fixtures.js';
export { type JwtCheck, type JwtPayload, signJwt, verifyJwt } from './jwt.js';
export type { NewRecording } from './live.js';
export {
  DEFAULT_PROFILE,
  isProfileName,
  PROFILE_NAMES,
  PROFILES,
  type Profile,
  type ProfileName,
  withProfile,
} from './profiles.js';
export { createRng, type Rng } from './random.js';
export type { AuthPath, Credentials, EndpointSearchShape } from './routes.js';
export {
  DEFAULT_CREDENTIALS,
  type FocusSimulator,
  type SimulatorOptions,
  startFocusSimulator,
} from './server.js';
export {
  DOCUMENTED_FIELDS,
  type FieldMask,
  type FieldMasks,
  project,
  shapeBody,
  type WireEntity,
} from './shape.js';
export type { RequestRecord, SimulatorStats } from './stats.js';
export type * from './types.js';
