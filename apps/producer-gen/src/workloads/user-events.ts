import { z } from 'zod';
import { hashString, mixSeed, Prng } from './prng.js';
import { weightedPicker } from './weighted-choice.js';
import type { Workload, WorkloadOptions } from './workload.js';

export const USER_ACTIONS = ['view', 'click', 'add_to_cart', 'purchase', 'login', 'logout'] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

export const USER_DEVICES = ['mobile', 'desktop', 'tablet'] as const;
export type UserDevice = (typeof USER_DEVICES)[number];

/** How long a user keeps one session id and IP address. */
export const USER_SESSION_MS = 30 * 60_000;

/** One click-stream event of a shop's web site. */
export interface UserEvent {
  /** The record key itself, so per-key order is per-user order. */
  userId: string;
  action: UserAction;
  /** Path of the page the event happened on, e.g. `/product/1234`. */
  page: string;
  /** Stable per user. */
  device: UserDevice;
  /** A public IPv4 address, stable per session. */
  ip: string;
  /** 16 hex digits; a user's session changes every `USER_SESSION_MS`, at a per-user offset. */
  sessionId: string;
  /** Event time, epoch milliseconds (the record's timestamp). */
  ts: number;
}

/** Validates a decoded user event, for consumers that check their input. */
export const userEventSchema = z.object({
  userId: z.string().min(1),
  action: z.enum(USER_ACTIONS),
  page: z.string().startsWith('/'),
  device: z.enum(USER_DEVICES),
  ip: z.ipv4(),
  sessionId: z.string().regex(/^[0-9a-f]{16}$/),
  ts: z.number().int().nonnegative(),
}) satisfies z.ZodType<UserEvent>;

/** Share of each action among events: a shop's funnel, mostly views, about 2% purchases. */
export const USER_ACTION_WEIGHTS = {
  view: 0.6,
  click: 0.22,
  add_to_cart: 0.08,
  purchase: 0.02,
  login: 0.05,
  logout: 0.03,
} as const satisfies Record<UserAction, number>;

const pickAction = weightedPicker(USER_ACTIONS.map((action) => [action, USER_ACTION_WEIGHTS[action]] as const));
// roughly today's split of shopping traffic
const pickDevice = weightedPicker<UserDevice>([
  ['mobile', 0.58],
  ['desktop', 0.36],
  ['tablet', 0.06],
]);

const CATEGORIES = ['books', 'electronics', 'garden', 'kitchen', 'music', 'outdoor', 'sports', 'toys'];
const PRODUCT_COUNT = 5_000;
// built once so the hot path picks a string instead of concatenating one
const categoryPages = CATEGORIES.map((category) => `/category/${category}`);
const productPages = Array.from({ length: PRODUCT_COUNT }, (_, i) => `/product/${i + 1}`);

// First octets of public unicast space: not 0, 10 (private), 100 (carrier NAT), 127 (loopback),
// 169 (link-local), 172 and 192 (private), nor 224 and above (multicast, reserved).
const PUBLIC_FIRST_OCTETS = Array.from({ length: 223 }, (_, i) => i + 1).filter((octet) => ![10, 100, 127, 169, 172, 192].includes(octet));

// separate streams so one seed gives unrelated sequences to each use
const USER_EVENTS_STREAM = 0x05e7e175;
const SESSION_ID_SALT = 1;
const IP_SALT = 2;
const IP_LOW_SALT = 3;

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function ipFrom(hash: number, low: number): string {
  const first = PUBLIC_FIRST_OCTETS[hash % PUBLIC_FIRST_OCTETS.length] as number;
  return `${first}.${low & 0xff}.${(low >>> 8) & 0xff}.${1 + ((low >>> 16) % 254)}`;
}

function browsePage(u: number, rng: Prng): string {
  if (u < 0.12) return '/';
  if (u < 0.22) return '/search';
  if (u < 0.45) return categoryPages[rng.int(categoryPages.length)] as string;
  return productPages[rng.int(PRODUCT_COUNT)] as string;
}

function pageFor(action: UserAction, rng: Prng): string {
  switch (action) {
    case 'view':
    case 'click':
      return browsePage(rng.next(), rng);
    case 'add_to_cart':
      return productPages[rng.int(PRODUCT_COUNT)] as string;
    case 'purchase':
      return '/checkout/complete';
    case 'login':
      return '/login';
    case 'logout':
      return '/account';
  }
}

export function createUserEventsWorkload(options: WorkloadOptions): Workload<UserEvent> {
  const seedHash = mixSeed(USER_EVENTS_STREAM, options.seed);
  const rng = new Prng(0);
  return {
    name: 'user-events',
    generate({ seq, key, timestampMs }) {
      rng.reseed(mixSeed(seedHash, seq));
      const action = pickAction(rng.next());
      const page = pageFor(action, rng);
      const userHash = mixSeed(seedHash, hashString(key));
      // per-user offset so sessions of all users do not roll over at the same instant
      const session = Math.floor((timestampMs + (userHash % USER_SESSION_MS)) / USER_SESSION_MS);
      const sessionHash = mixSeed(userHash, session);
      return {
        userId: key,
        action,
        page,
        device: pickDevice(userHash / 4_294_967_296),
        ip: ipFrom(mixSeed(sessionHash, IP_SALT), mixSeed(sessionHash, IP_LOW_SALT)),
        sessionId: hex8(sessionHash) + hex8(mixSeed(sessionHash, SESSION_ID_SALT)),
        ts: timestampMs,
      };
    },
  };
}
