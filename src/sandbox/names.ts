/** Word lists for generated data. Plain ASCII mostly, with some accents on purpose. */

// biome-ignore format: compact word list
export const FIRST_NAMES = [
  'Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Ava', 'Noah', 'Mia', 'Jack', 'Ivy', 'Leo', 'Freya',
  'Arthur', 'Lily', 'Muhammad', 'Florence', 'Oscar', 'Grace', 'Charlie', 'Sophia', 'Liam', 'Emma',
  'Ethan', 'Olivia', 'Lucas', 'Chloé', 'Mateo', 'Sofía', 'Aisling', 'Ciarán', 'Niamh', 'Darragh',
  'Siobhán', 'Cormac', 'Priya', 'Arjun', 'Mei', 'Wei', 'Yuki', 'Kenji', 'Fatima', 'Omar', 'Zainab',
  'Tomasz', 'Agnieszka', 'Björn', 'Ingrid', 'José', 'Renée', 'François', 'Małgorzata', 'Kwame',
  'Ama', 'Tyrone', 'Keisha', 'Dmitri', 'Olga', 'Hannah', 'Samuel', 'Rachel', 'Daniel', 'Ruth',
] as const;

// biome-ignore format: compact word list
export const LAST_NAMES = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright',
  'Walker', 'Robinson', 'Thompson', 'Evans', 'Murphy', 'Kelly', "O'Sullivan", 'Walsh', "O'Brien",
  'Byrne', 'Ryan', "O'Connor", 'McCarthy', 'Nguyen', 'Garcia', 'Martínez', 'Rodriguez', 'Kim', 'Chen',
  'Wang', 'Khan', 'Ahmed', 'Kowalski', 'Nowak', 'Müller', 'Schmidt', 'Andersson', 'Dubois', 'Rossi',
  'Okafor', 'Mensah', 'Cohen', 'Levi', 'Ivanova', 'Hughes', 'Edwards', 'Clarke', 'Lewis', 'Hall',
  'Jackson-Reid', 'Ní Bhriain', 'Mac Giolla', 'van der Berg', 'de la Cruz',
] as const;

// biome-ignore format: compact word list
export const DEPARTMENTS = [
  'Trading', 'Sales', 'Compliance', 'Operations', 'Support', 'Wealth Management', 'Treasury',
  'Research', 'Legal', 'IT', 'Front Office', 'Risk & Control',
] as const;

// biome-ignore format: compact word list
export const JOB_TITLES = [
  'Trader', 'Senior Trader', 'Sales Associate', 'Relationship Manager', 'Compliance Officer',
  'Analyst', 'Support Engineer', 'Team Lead', 'Head of Desk', 'Operations Specialist',
  'Portfolio Manager', 'Client Services Representative',
] as const;

// biome-ignore format: compact word list
export const COMPANIES = [
  'Acme Capital', 'Globex Ltd', 'Initech', 'Umbrella Holdings', 'Stark Partners', 'Wayne Trust',
  'Cyberdyne', 'Soylent & Co', 'Hooli', 'Vandelay Industries', 'Dunder Mifflin', 'Oceanic Air',
] as const;

export const CONTACT_DOMAINS = ['example.org', 'example.net', 'client.example', 'partner.example'] as const;

// biome-ignore format: compact word list
export const RECORDING_TAGS = [
  'complaint', 'trade', 'escalation', 'follow-up', 'vip', 'training', 'compliance-review', 'mifid',
  'order', 'quote', 'best-execution', 'onboarding',
] as const;

// biome-ignore format: compact word list
export const COMMENT_TAGS = ['reviewed', 'flagged', 'ok', 'breach?', 'coaching', 'evidence'] as const;

export const COMMENT_TEXTS = [
  'Client confirmed the order verbally.',
  'Price quoted before market open, check against the blotter.',
  'Good call handling, use for training.',
  'Customer asked for a callback tomorrow.',
  'Possible complaint, escalate to compliance.',
  'Trade details match the confirmation.',
  'Agent did not read the risk disclaimer.',
  'Reviewed: no issues found.',
  'Background noise makes 02:10–02:40 hard to hear.',
  'Follow up on the pricing discrepancy.',
  'Client mentions a competitor offer.',
  'Check the consent wording at the start.',
  'Needs transcript review <@U123> please 🙏',
  'FYI *important* & urgent: see ticket #4521',
  'Kunde möchte Rückruf – señal débil, café ☕',
] as const;

// biome-ignore format: compact word list
export const ROLES = ['Admin', 'Compliance Officer', 'Supervisor', 'Auditor'] as const;

// biome-ignore format: compact word list
export const RIGHTS_BY_ROLE: Readonly<Record<string, readonly string[]>> = {
  Admin: [
    'Recording.View', 'Recording.Play', 'Recording.Transcription.View', 'People.View', 'User.View',
    'RetentionGroup.View', 'RetentionGroup.Edit', 'User.Edit',
  ],
  'Compliance Officer': ['Recording.View', 'Recording.Play', 'Recording.Transcription.View', 'People.View'],
  Supervisor: ['Recording.View', 'Recording.Play', 'People.View'],
  Auditor: ['Recording.View', 'Recording.Transcription.View', 'RetentionGroup.View'],
  // No generated user has it: the fixture viewer sees people and numbers, no recordings.
  Viewer: ['People.View'],
};
