/**
 * Field paths of an extraction's non-null leaf values: dotted, with array
 * indexes (`patient.name`, `medications[0].dose`, `allergies[1]`), and the
 * metadata key a path falls under (`medications[0].dose` -> `medications.dose`).
 */

export type LeafValue = string | number | boolean;

export interface Leaf {
  readonly path: string;
  readonly value: LeafValue;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every non-null leaf of `fields`, in document order of the keys. */
export const leafValues = (fields: unknown, prefix = ''): Leaf[] => {
  if (fields === null || fields === undefined) return [];
  if (typeof fields === 'string')
    return fields.trim() === '' ? [] : [{ path: prefix, value: fields }];
  if (typeof fields === 'number' || typeof fields === 'boolean') {
    return [{ path: prefix, value: fields }];
  }
  if (Array.isArray(fields)) {
    return fields.flatMap((item, index) => leafValues(item, `${prefix}[${index}]`));
  }
  if (isRecord(fields)) {
    return Object.entries(fields).flatMap(([key, value]) =>
      leafValues(value, prefix === '' ? key : `${prefix}.${key}`),
    );
  }
  return [];
};

/** The path without array indexes: the key metadata uses for it. */
export const specKey = (path: string): string => path.replace(/\[\d+\]/g, '');

/** The value at a leaf path, or undefined. */
export const valueAtPath = (fields: unknown, path: string): unknown => {
  let current: unknown = fields;
  for (const segment of path.split(/\.|(?=\[)/)) {
    const index = /^\[(\d+)\]$/.exec(segment);
    if (index) {
      current = Array.isArray(current) ? current[Number(index[1])] : undefined;
    } else {
      current = isRecord(current) ? current[segment] : undefined;
    }
  }
  return current;
};
