/** Who is acting, for the audit trail: `--actor`, else `$USER`, for every command that changes something. */
import type { TargetFlags } from '../output.ts';
import { UsageError } from '../output.ts';

/** Flags of commands that change something: who is acting and why. */
export interface ActorFlags extends TargetFlags {
  readonly actor?: string;
  readonly reason?: string;
}

/** `--actor`, else `$USER`; audit entries always name a person. */
export const actorOf = (flags: { readonly actor?: string }): string => {
  const actor = (flags.actor ?? process.env.USER ?? '').trim();
  if (actor === '') throw new UsageError('no actor: pass --actor <name> (or set $USER)');
  return actor;
};

/** `--actor <name>` on a command. */
export const withActor = <T extends { option: (flags: string, description: string) => T }>(
  command: T,
): T => command.option('--actor <name>', 'who is acting, for the audit trail (default: $USER)');
