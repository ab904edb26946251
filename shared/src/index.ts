export * from "./engine/index.ts";
export * from "./protocol/index.ts";
