import { describe, expect, it } from "vitest";
import { defaultPublicUrl, lanAddress } from "./config.ts";

describe("defaultPublicUrl (PUBLIC_URL unset)", () => {
  it("uses the bound address and the real port when the server listens on one address", () => {
    expect(defaultPublicUrl({ address: "127.0.0.1", family: "IPv4", port: 41234 })).toBe(
      "http://127.0.0.1:41234",
    );
    expect(defaultPublicUrl({ address: "::1", family: "IPv6", port: 8080 })).toBe("http://[::1]:8080");
  });

  it("uses the machine's LAN address when the server listens on every interface", () => {
    const host = lanAddress() ?? "localhost";
    expect(defaultPublicUrl({ address: "0.0.0.0", family: "IPv4", port: 3000 })).toBe(`http://${host}:3000`);
    expect(defaultPublicUrl({ address: "::", family: "IPv6", port: 3000 })).toBe(`http://${host}:3000`);
  });
});
