/**
 * Whose request is it: the client address that per-IP limits count, with Express's `trust proxy` semantics
 * (TRUST_PROXY, docs/operations.md) for both HTTP requests and socket handshakes, so one client is one key
 * on every transport.
 */
import type { IncomingMessage } from "node:http";
import { isIPv6 } from "node:net";
import proxyaddr from "proxy-addr";

/** What TRUST_PROXY may say: nothing is trusted, every hop is, the last N hops are, or these addresses/subnets. */
export type TrustProxy = boolean | number | string[];

export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY's text → its setting: "" / "false" (default: the socket's peer is the client), "true", a hop
 * count ("1": one proxy in front), or a comma-separated list of addresses, CIDR subnets and the names
 * loopback, linklocal, uniquelocal. Throws on a malformed list.
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? "").trim();
  if (value === "" || value.toLowerCase() === "false") return false;
  if (value.toLowerCase() === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  const list = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  proxyaddr.compile(list); // throws "invalid IP address: …" on a bad entry
  return list;
}

/** The same function Express builds from `app.set("trust proxy", value)`. */
export function trustFunction(trust: TrustProxy): TrustFunction {
  if (trust === true) return () => true;
  if (trust === false) return () => false;
  if (typeof trust === "number") return (_address, hop) => hop < trust;
  return proxyaddr.compile(trust);
}

/** The client's address of a request (HTTP or a socket handshake): the first untrusted hop from the server. */
export function clientAddress(req: IncomingMessage, trust: TrustFunction): string {
  // proxy-addr reads req.connection; a handshake's request always has its socket
  const withConnection = Object.assign(Object.create(req) as IncomingMessage, { connection: req.socket });
  return proxyaddr(withConnection, trust);
}

/**
 * The key a per-IP limit counts: an IPv4 address as is (IPv4-mapped IPv6 included), an IPv6 address by its /64
 * prefix (one household, phone or server usually holds a whole /64, so single addresses cost an attacker
 * nothing).
 */
export function ipKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // a dotted IPv4 tail (64:ff9b::192.0.2.1) stands for two groups
  const width = (list: string[]) => list.length + (list.at(-1)?.includes(".") ? 1 : 0);
  const groups = address.includes("::")
    ? [...left, ...Array<string>(8 - width(left) - width(right)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
