/** Whether dist/ holds a build of the current sources of the package at `root` (default: this one). */
export function isDistCurrent(root?: string): boolean;
/** Compile src/ and actors/ of the package at `root` (default: this one) into a new build under dist.builds/ and point its `dist` link at it. */
export function buildDist(root?: string): Promise<void>;
