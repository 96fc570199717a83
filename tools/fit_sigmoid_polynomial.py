"""Refit the polynomial for 2**f on [-0.5, 0.5] used by dbn._kernels.common.sigmoid32.

Prints the float32 coefficients (lowest degree first) and the approximation's
maximum absolute error on the interval.
"""

import numpy as np

f = np.linspace(-0.5, 0.5, 20001)
coef = np.polynomial.polynomial.polyfit(f, 2.0**f, 6)
coef32 = [float(np.float32(c)) for c in coef]
err = np.abs(np.polynomial.polynomial.polyval(f, coef32) - 2.0**f).max()
print("coefficients:", coef32)
print(f"max abs error: {err:.3g}")
