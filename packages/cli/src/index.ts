export { Store, storePath, RUN_STATUSES, type RunRecord, type RunStatus } from "./store.js";
export { runIntoStore, finalValues, type RunOutcome, type ClaimOutcome } from "./runner.js";
export { buildConfig, configKeys, parseAssignment } from "./config.js";
export { describeSchema, type KeyDoc } from "./schema.js";
export { renderSvg, svgToPng, meanStd } from "./plot.js";
