/**
 * Types for the few jstat distribution functions MedExtract uses (jstat ships
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
    chisquare: {
      cdf(x: number, dof: number): number;
      inv(p: number, dof: number): number;
    };
  }

  const jStat: JStat;
  export = jStat;
}
