/**
 * Lookup of registry entries by canonical name or alias, case-insensitively. Shared by the
 * registries of model kinds and cognitive models so that both accept and refuse names alike.
 */
import { ConfigError, showValue } from '../validation.js';

/** A registry entry: the name written everywhere, and the other spellings accepted on input. */
export interface NamedEntry {
  /** Canonical name: what labels, tables and new files use. */
  readonly name: string;
  /** Other accepted spellings (older names, short forms). */
  readonly aliases: readonly string[];
}

export interface NameResolver<E extends NamedEntry> {
  /** Canonical names in registry order. */
  readonly names: readonly string[];
  /** `alias = name` pairs, for usage messages. */
  readonly aliasList: string;
  /** The entry of a canonical name or alias (any case), or undefined. */
  find(name: string): E | undefined;
  /** The entry of a canonical name or alias (any case); a ConfigError naming the choices otherwise. */
  resolve(name: unknown): E;
}

/**
 * A resolver over entries; refuses two entries that claim the same spelling.
 * @example
 * const kinds = createNameResolver('model kind', [{ name: 'tiny_gru', aliases: ['tinygru'] }]);
 * kinds.resolve('TinyGRU').name; // 'tiny_gru'
 */
export function createNameResolver<E extends NamedEntry>(what: string, entries: readonly E[]): NameResolver<E> {
  const byName = new Map<string, E>();
  for (const entry of entries) {
    for (const spelling of [entry.name, ...entry.aliases]) {
      const key = spelling.toLowerCase();
      const taken = byName.get(key);
      if (taken !== undefined) throw new ConfigError([`${what} name ${JSON.stringify(spelling)} is claimed by both ${taken.name} and ${entry.name}`]);
      byName.set(key, entry);
    }
  }
  const names = entries.map((e) => e.name);
  const aliasList = entries.flatMap((e) => e.aliases.map((alias) => `${alias} = ${e.name}`)).join(', ');
  const find = (name: string) => byName.get(name.toLowerCase());
  return {
    names,
    aliasList,
    find,
    resolve(name) {
      const entry = typeof name === 'string' ? find(name) : undefined;
      if (entry !== undefined) return entry;
      const aliases = aliasList === '' ? '' : ` or an alias (${aliasList})`;
      throw new ConfigError([`${what} must be one of ${names.join(', ')}${aliases}, got ${showValue(name)}`]);
    },
  };
}
