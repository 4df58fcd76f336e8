import { mkdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/*
 * The export directory confines the billing-export hook: whatever directory a call names, the file lands below
 * the configured one. Checked on real paths (symbolic links resolved) before any directory is created, and again
 * after, so a link planted inside the directory cannot lead the writer out of it.
 */

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/** The real path of `path`, or of its nearest existing ancestor plus the missing rest. */
async function realpathOfNearest(path: string): Promise<string> {
  let missing = '';
  let at = path;
  for (;;) {
    try {
      const real = await realpath(at);
      return missing === '' ? real : resolve(real, missing);
    } catch (error) {
      const parent = dirname(at);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === at) throw error;
      missing = missing === '' ? relative(parent, at) : `${relative(parent, at)}${sep}${missing}`;
      at = parent;
    }
  }
}

/**
 * The directory to write into: `requested` (absolute, or relative to `root`) if it lies below `root` after
 * resolving links, created if missing; undefined if it lies outside (nothing is created then).
 */
export async function exportDirectoryBelow(root: string, requested: string | undefined): Promise<string | undefined> {
  // KVDT files name patients and diagnoses: directories created here are this user's only.
  await mkdir(root, { recursive: true, mode: 0o700 });
  const realRoot = await realpath(root);
  const target = resolve(realRoot, requested ?? '.');
  if (!inside(realRoot, target) || !inside(realRoot, await realpathOfNearest(target))) return undefined;
  await mkdir(target, { recursive: true, mode: 0o700 });
  const realTarget = await realpath(target);
  return inside(realRoot, realTarget) ? realTarget : undefined;
}
