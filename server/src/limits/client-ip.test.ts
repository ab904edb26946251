import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress, ipKey, parseTrustProxy, trustFunction } from "./client-ip.ts";

const request = (peer: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  }) as unknown as IncomingMessage;

describe("clientAddress under TRUST_PROXY (Express's trust proxy)", () => {
  it("takes the peer and ignores X-Forwarded-For when no proxy is trusted (the default)", () => {
    expect(clientAddress(request("127.0.0.1", "203.0.113.9"), trustFunction(false))).toBe("127.0.0.1");
  });

  it("takes the first untrusted hop behind trusted proxies", () => {
    const viaNginx = request("127.0.0.1", "198.51.100.7, 203.0.113.9");
    expect(clientAddress(viaNginx, trustFunction(["loopback"]))).toBe("203.0.113.9");
    expect(clientAddress(viaNginx, trustFunction(1))).toBe("203.0.113.9");
    expect(clientAddress(viaNginx, trustFunction(2))).toBe("198.51.100.7");
    expect(clientAddress(viaNginx, trustFunction(true))).toBe("198.51.100.7");
    // a client that is not behind a trusted proxy cannot choose its address with the header
    expect(clientAddress(request("203.0.113.5", "1.2.3.4"), trustFunction(["loopback"]))).toBe("203.0.113.5");
  });

  it("parses TRUST_PROXY's text", () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy("")).toBe(false);
    expect(parseTrustProxy("false")).toBe(false);
    expect(parseTrustProxy("TRUE")).toBe(true);
    expect(parseTrustProxy("2")).toBe(2);
    expect(parseTrustProxy("loopback, 10.0.0.0/8,fd00::/8")).toEqual(["loopback", "10.0.0.0/8", "fd00::/8"]);
    expect(() => parseTrustProxy("nginx")).toThrow(/invalid IP address/);
  });
});

describe("ipKey: what one per-IP allowance counts", () => {
  it("keeps IPv4 addresses and unwraps IPv4-mapped IPv6", () => {
    expect(ipKey("203.0.113.9")).toBe("203.0.113.9");
    expect(ipKey("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(ipKey("::FFFF:127.0.0.1")).toBe("127.0.0.1");
  });

  it("counts an IPv6 address by its /64, however it is written", () => {
    const key = "2001:db8:1:2::/64";
    expect(ipKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe(key);
    expect(ipKey("2001:0db8:0001:0002::1")).toBe(key);
    expect(ipKey("2001:DB8:1:2::")).toBe(key);
    expect(ipKey("2001:db8:1:3::1")).not.toBe(key);
    expect(ipKey("::1")).toBe("0:0:0:0::/64");
    expect(ipKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(ipKey("64:ff9b::192.0.2.1")).toBe("64:ff9b:0:0::/64");
  });
});
