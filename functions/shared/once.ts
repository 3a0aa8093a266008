/** A value created on first use and then kept for the container's lifetime. */
export const once = <T>(create: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= create();
    return value;
  };
};
