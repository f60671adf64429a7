export * from "./kernel-attacks.js";
