export * from "./errors.ts";
export * from "./schemas.ts";
export * from "./round.ts";
export * from "./views.ts";
export * from "./events.ts";
export * from "./seeds.ts";
export * from "./review.ts";
export * from "./timer.ts";
