export { Store, storePath, type RunRecord, type RunStatus } from "./store.js";
export { runIntoStore, evaluateClaims, type RunOutcome, type ClaimOutcome } from "./runner.js";
export { buildConfig, configKeys, parseAssignment } from "./config.js";
export { renderSvg, svgToPng, meanStd } from "./plot.js";
