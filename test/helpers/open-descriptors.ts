/**
 * The descriptors this process holds open on one file (Linux, from
 * /proc/self/fd; an empty list elsewhere, where tests skip the check).
 */
import { readdirSync, readlinkSync } from 'node:fs';

export const descriptorsOpenOn = (path: string): string[] =>
  process.platform !== 'linux'
    ? []
    : readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === path;
        } catch {
          return false;
        }
      });
