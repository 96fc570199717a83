"""Thread counts of the BLAS, OpenMP and Numba for the duration of one call.

Every estimator takes ``n_jobs``; its public computing methods run under
:func:`thread_limits` through the :func:`uses_threads` decorator.

``n_jobs=None`` changes nothing: the call uses the threads the process
already has, which is every core in a fresh process and joblib's share of
them in a worker process (joblib's loky workers start with
``cpu_count() // n_jobs`` BLAS, OpenMP and Numba threads). That is why
``GridSearchCV(n_jobs=2)`` over dbn estimators does not oversubscribe the
cores, while a plain ``fit`` uses all of them.

Whatever ``n_jobs`` allows, fine-tuning whose minibatch products are small
runs on one BLAS thread (:func:`blas_threads_for`): there, waking and
joining a second thread for every product costs more than it gives.
Numba's own pool stays unused: every kernel is serial, because a parallel
kernel between two BLAS calls competes with BLAS's spinning threads
(``benchmarks/bench_threads.py`` measures both).
"""

import functools
import threading
from contextlib import contextmanager
from numbers import Integral

from joblib import cpu_count
from threadpoolctl import ThreadpoolController, threadpool_limits

#: The ``_parameter_constraints`` entry of ``n_jobs``.
N_JOBS_CONSTRAINT = [Integral, None]


def resolve_n_jobs(n_jobs):
    """Threads that ``n_jobs`` asks for (None for "leave as they are").

    scikit-learn's convention: -1 is every core, -2 all but one, and so on.
    """
    if n_jobs is None:
        return None
    if not isinstance(n_jobs, Integral) or isinstance(n_jobs, bool):
        raise TypeError(f"n_jobs must be an int or None; got {n_jobs!r}.")
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None, -1 (all cores) or a "
                         "positive number of threads.")
    cores = cpu_count()
    if n_jobs < 0:
        return max(cores + 1 + int(n_jobs), 1)
    return int(n_jobs)


@contextmanager
def thread_limits(n_jobs):
    """Limit the BLAS, OpenMP and Numba thread pools to ``n_jobs`` threads.

    The previous limits come back when the block ends, also when it raises.
    """
    n_threads = resolve_n_jobs(n_jobs)
    if n_threads is None:
        yield
        return
    # The kernels need Numba anyway; importing it here lets its pool be set.
    import numba

    previous = numba.get_num_threads()
    numba.set_num_threads(min(n_threads, numba.config.NUMBA_NUM_THREADS))
    try:
        with threadpool_limits(limits=n_threads):
            yield
    finally:
        numba.set_num_threads(previous)


#: Floating-point operations per minibatch (forward and backward) below which
#: fine-tuning runs on one BLAS thread. From ``benchmarks/bench_threads.py``
#: on 2 cores (AMD, AVX2): a 64-256-256-10 net in batches of 14 (7.1 MFLOP)
#: fitted 1.40x faster on one thread than on two; at 25.3 MFLOP and above
#: two threads were faster (1.19x and more).
SMALL_PRODUCTS_FLOPS = 16e6

# One controller for the process: threadpoolctl scans the loaded libraries
# when a controller is made, which costs milliseconds per call (partial_fit
# is called per minibatch). Blocks may overlap in threads (the kernels release
# the GIL), so the first block in sets the limit and the last one out
# restores it, rather than each restoring what it saw on entry.
_small_lock = threading.Lock()
_small_blocks = 0
_small_limiter = None
_controller = None


@contextmanager
def blas_threads_for(flops_per_batch):
    """One BLAS thread for the block when each minibatch's products together
    take fewer than :data:`SMALL_PRODUCTS_FLOPS`; otherwise no change."""
    global _small_blocks, _small_limiter, _controller
    if flops_per_batch >= SMALL_PRODUCTS_FLOPS:
        yield
        return
    with _small_lock:
        if _small_blocks == 0:
            if _controller is None:
                _controller = ThreadpoolController()
            _small_limiter = _controller.limit(limits=1, user_api="blas")
        _small_blocks += 1
    try:
        yield
    finally:
        with _small_lock:
            _small_blocks -= 1
            if _small_blocks == 0:
                _small_limiter.restore_original_limits()
                _small_limiter = None


def uses_threads(method):
    """Run ``method`` under the thread limits of its estimator's ``n_jobs``."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with thread_limits(getattr(self, "n_jobs", None)):
            return method(self, *args, **kwargs)

    return wrapper

