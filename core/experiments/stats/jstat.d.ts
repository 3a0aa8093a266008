/**
 * Types for the few jstat distribution and ranking functions MedExtract uses (jstat ships
 * no declarations). Only `distributions.ts` imports jstat; everything else
 * goes through that wrapper.
 */
declare module 'jstat' {
  interface JStat {
    normal: {
      cdf(x: number, mean: number, sd: number): number;
      inv(p: number, mean: number, sd: number): number;
    };
    studentt: {
      cdf(x: number, dof: number): number;
      inv(p: number, dof: number): number;
    };
    /** Ranks from 1, ties sharing the mean of the ranks they span. */
    rank(values: readonly number[]): number[];
    chisquare: {
      cdf(x: number, dof: number): number;
      inv(p: number, dof: number): number;
    };
  }

  const jStat: JStat;
  export = jStat;
}
