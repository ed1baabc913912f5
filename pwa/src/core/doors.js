// A building's doors, as server/areas/doors.py expands them: the explicit list staff edited door by
// door when set, else the regular grid of units × floors × rooms_per_floor numbered by the door
// pattern. Checked against tests/vectors/doors.json. Floors keep their labels (no 4th floor = its
// doors are `none`), so a household's stored floor always finds its door.

export const DEFAULT_PATTERN = '{floor}{door:02}';
export const MAX_PATTERN = 32;
export const MAX_ROOM = 16;
const PLACEHOLDERS = new Set(['floor', 'door', 'unit']);
const TOKEN = /\{(\w*)(?::(0[1-4]))?\}/g;

/** The code refusing a door-number pattern, or null (empty/null means the default). */
export function patternError(pattern) {
  if (pattern === null || pattern === undefined || pattern === '') return null;
  if ([...pattern].length > MAX_PATTERN) return 'door_pattern_too_long';
  const names = [];
  const rest = pattern.replace(TOKEN, (_, name) => { names.push(name); return ''; });
  if (rest.includes('{') || rest.includes('}') || names.some((n) => !PLACEHOLDERS.has(n))) return 'door_pattern_unknown';
  if (!names.includes('floor') || !names.includes('door')) return 'door_pattern_incomplete';
  // The widest room the wire's limits allow (50 units, 120 floors, 40 doors) must fit a household's room.
  if ([...roomName(pattern, 50, 120, 40)].length > MAX_ROOM) return 'door_pattern_too_long';
  return null;
}

export function roomName(pattern, unit, floor, door) {
  const values = { floor, door, unit };
  return (pattern || DEFAULT_PATTERN).replace(TOKEN, (_, name, pad) => {
    const text = String(values[name]);
    const width = Number(pad || 0);
    // Python's zfill: the sign stays in front of the zeros.
    if (text.startsWith('-')) return `-${text.slice(1).padStart(width - 1, '0')}`;
    return text.padStart(width, '0');
  });
}

function count(value) {
  const n = Math.trunc(Number(value || 1));
  return Number.isFinite(n) ? Math.max(1, n) : 1;
}

function fieldsOf(building) {
  return building?.fields || building || {};
}

/** The regular grid: unit 1…units, floor 1…floors, door 1…rooms_per_floor, all homes. */
export function generated(building) {
  const b = fieldsOf(building);
  const pattern = patternError(b.door_pattern) ? null : b.door_pattern;
  const out = [];
  for (let unit = 1; unit <= count(b.units); unit += 1) {
    for (let floor = 1; floor <= count(b.floors); floor += 1) {
      for (let door = 1; door <= count(b.rooms_per_floor); door += 1) {
        out.push({ unit, floor, room: roomName(pattern, unit, floor, door), use: 'home' });
      }
    }
  }
  return out;
}

/** Every door position, `none` ones included. */
export function allDoors(building) {
  const b = fieldsOf(building);
  if (b.doors === null || b.doors === undefined) return generated(building);
  return b.doors.map((d) => ({ unit: Number(d.unit), floor: Number(d.floor), room: String(d.room), use: d.use || 'home' }));
}

/** The doors that exist (`none` positions are not doors). */
export function expand(building) {
  return allDoors(building).filter((d) => d.use !== 'none');
}

/** [{unit, floors: [{floor, doors}]}], top floor first, floors without doors left out. */
export function layout(building) {
  const units = new Map();
  for (const door of expand(building)) {
    if (!units.has(door.unit)) units.set(door.unit, new Map());
    const floors = units.get(door.unit);
    if (!floors.has(door.floor)) floors.set(door.floor, []);
    floors.get(door.floor).push(door);
  }
  return [...units.keys()].sort((a, b) => a - b).map((unit) => {
    const floors = units.get(unit);
    return { unit, floors: [...floors.keys()].sort((a, b) => b - a).map((floor) => ({ floor, doors: floors.get(floor) })) };
  });
}

/** 一标三实's standard address of a door: {estate}{number}号楼{unit}单元{room}. */
export function standardAddress(building, unit, room) {
  const b = fieldsOf(building);
  return `${b.estate || ''}${b.number}号楼${unit}单元${room}`;
}
