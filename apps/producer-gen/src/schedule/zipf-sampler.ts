import type { Prng } from '../workloads/prng.js';

// log1p(x)/x and expm1(x)/x, by their Taylor series near 0 where the division loses precision
function log1pOverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (1 / 2 - x * (1 / 3 - x / 4));
}

function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + (x / 2) * (1 + (x / 3) * (1 + x / 4));
}

/**
 * Draws ranks 0 … n − 1 with P(k) ∝ 1/(k + 1)^s in O(1) time and memory per draw, by
 * rejection-inversion (Hörmann & Derflinger 1996, as in Apache Commons' Zipf sampler): invert
 * the integral of a hat function over the ranks, accept most draws at once, retry the few
 * others. No table of n probabilities, so a hundred million keys cost nothing.
 */
export class ZipfSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly squeeze: number;

  constructor(
    private readonly n: number,
    private readonly s: number,
  ) {
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.squeeze = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** A rank in [0, n), using draws from `rng`. */
  sample(rng: Prng): number {
    for (;;) {
      const u = this.hIntegralN + rng.next() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      const k = Math.min(this.n, Math.max(1, Math.floor(x + 0.5)));
      if (k - x <= this.squeeze || u >= this.hIntegral(k + 0.5) - this.h(k)) return k - 1;
    }
  }

  private h(x: number): number {
    return Math.exp(-this.s * Math.log(x));
  }

  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return expm1OverX((1 - this.s) * logX) * logX;
  }

  private hIntegralInverse(x: number): number {
    // rounding can push t a hair below −1, outside log1p's domain
    const t = Math.max(-1, x * (1 - this.s));
    return Math.exp(log1pOverX(t) * x);
  }
}
