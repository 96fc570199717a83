"""Integer codes the kernels branch on (plain Python: importing this loads no Numba).

One compiled kernel serves every unit type; the caller passes the code.
"""

#: A hidden unit's free-energy term: log(1 + e^x) for Bernoulli units, the
#: stepped-sigmoid approximation's softplus for ReLU units, x^2 / 2 for
#: linear (Gaussian) units.
SOFTPLUS, STEPPED_SOFTPLUS, HALF_SQUARE = 0, 1, 2
