/**
 * vitest setup file of the integration projects: registered before the file's own hooks, this afterAll runs after
 * them (hooks run as a stack), when the file's servers and connections are closed (file-end.ts).
 */
import { afterAll } from "vitest";
import { runFileEnd } from "./file-end.ts";

afterAll(runFileEnd);
