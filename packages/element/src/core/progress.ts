/** Progress arithmetic. Pure, no DOM. */

/**
 * Rescales the XHR upload progress of the multipart body (`loaded` of `total` bytes: fields, then
 * the file, then a short closing boundary) to the file's own `size`. The fields are sent first, so
 * everything before the last `size` bytes is overhead.
 */
export function fileProgress(loaded: number, total: number, size: number): number {
  if (!(total > 0)) return 0;
  const bytes = total >= size ? loaded - (total - size) : (loaded / total) * size;
  return Math.max(0, Math.min(size, Math.round(bytes)));
}

/** Whole percent, 0..100; an empty file counts as complete only when `done`. */
export const percent = (loaded: number, size: number, done = false): number =>
  size > 0 ? Math.min(100, Math.floor((loaded * 100) / size)) : done ? 100 : 0;

/** The coarse step (25, 50, 75) that `next` reached beyond `previous`, for announcements; 0 when none. */
export function coarseStep(previous: number, next: number, steps: readonly number[] = [25, 50, 75]): number {
  let reached = 0;
  for (const step of steps) if (next >= step && previous < step) reached = step;
  return reached;
}
