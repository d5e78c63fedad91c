import type { PortalLinks } from '../domain/links.js';
import type { CountryCode } from './phone.js';

/** What the parsers need from configuration. */
export interface ParseSettings {
  /** Region for national phone numbers (`FOCUS_DEFAULT_REGION`). */
  defaultRegion: CountryCode;
  /** Portal link templates, to recognise pasted links. */
  links: PortalLinks;
}
