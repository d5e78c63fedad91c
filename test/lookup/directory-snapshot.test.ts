/** One directory build: endpoints by owner, names, and email addresses found exactly. */
import { describe, expect, it } from 'vitest';
import { DirectorySnapshot } from '../../src/lookup/directory-snapshot.js';

function snapshot(): DirectorySnapshot {
  const s = new DirectorySnapshot();
  s.addEndpoint(1, { id: 11, value: '447700900001', type: 'phone' });
  s.addEndpoint(1, { id: 12, value: 'Jane.Smith@Example.com', type: 'email' });
  s.addEndpoint(2, { id: 21, value: 'desk@example.com', type: 'email' });
  s.addEndpoint(3, { id: 31, value: 'desk@example.com', type: 'email' });
  s.addPerson({ id: 1, fullName: 'Jane Smith', personType: 'subscriber' });
  s.addPerson({ id: 2, fullName: 'Zed Desk' });
  s.addPerson({ id: 3, fullName: 'Amy Desk', email: 'amy@example.com' });
  return s;
}

describe('DirectorySnapshot', () => {
  it('finds an email address exactly, whatever its case, and every person sharing it', () => {
    const s = snapshot();
    expect(s.search(' JANE.SMITH@example.com ', 10).map((e) => e.id)).toEqual([1]);
    expect(s.search('desk@example.com', 10).map((e) => e.fullName)).toEqual(['Amy Desk', 'Zed Desk']);
    expect(s.search('amy@example.com', 10).map((e) => e.id)).toEqual([3]); // people.get's email
    expect(s.search('smith@example.com', 10)).toEqual([]);
  });

  it('keeps each owner’s endpoints with the person, before and after it is prepared', () => {
    const s = snapshot();
    s.addEndpoint(1, { id: 13, value: '447700900002', type: 'phone' });
    expect(s.get(1)?.endpoints.map((e) => e.id)).toEqual([11, 12, 13]);
    s.prepare();
    expect(s.get(1)?.endpoints.map((e) => e.id)).toEqual([11, 12, 13]);
    expect(s.endpointsOf(1)).toBe(s.get(1)?.endpoints);
    expect(s.endpointsOf(99)).toEqual([]);
    expect(s.endpointCount).toBe(5);
  });

  it('adds a person once; names are searched through the index', () => {
    const s = snapshot();
    s.addPerson({ id: 1, fullName: 'Someone Else' });
    expect(s.size).toBe(3);
    expect(s.search('jane', 10).map((e) => e.fullName)).toEqual(['Jane Smith']);
    expect(s.search('desk', 10).map((e) => e.id)).toEqual([3, 2]);
  });
});
