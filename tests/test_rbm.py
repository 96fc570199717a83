"""BernoulliRBM: learning, exactness against enumeration, inputs and API."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline

from dbn import BernoulliRBM, DataRangeWarning, DivergenceError
from dbn._rbm.cd import CDWorkspace, pack_params

from . import naive


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def mean_log_likelihood(rbm, X):
    return naive.log_likelihood(X, *naive.rbm_parts(rbm)).mean()


# ----------------------------------------------------------- exact maths


def _cd_direction(cd_steps, persistent, seed=0):
    """Mean CD update of a tiny RBM over many chains, as a flat vector."""
    rng = np.random.default_rng(seed)
    V, H = 6, 4
    data = (rng.random((8, V)) < 0.4).astype(np.float64)
    W = rng.normal(scale=0.5, size=(V, H))
    b, c = rng.normal(scale=0.5, size=V), rng.normal(scale=0.5, size=H)
    reps = 4000
    batch = np.tile(data, (reps, 1))
    n = len(batch)
    ws = CDWorkspace(V, H, n)
    ws.vis[:n, :V] = batch
    P = pack_params(W, c, b)
    before = P.copy()
    chains = None
    if persistent:
        chains = np.zeros((n, H + 1), dtype=np.float32)
        chains[:, H] = 1.0
        # Bring the chains near the model's distribution first (no learning).
        for _ in range(50):
            P_burn = P.copy()
            ws.step(P_burn, np.zeros_like(P), n, rng, cd_steps=1, chains=chains,
                    learning_rate=1e-30, momentum=0.0, weight_decay=0.0,
                    sparsity_target=0.1, sparsity_cost=0.0, hidden_mean=np.zeros(H))
    ws.step(P, np.zeros_like(P), n, rng, cd_steps=cd_steps, chains=chains,
            learning_rate=1.0, momentum=0.0, weight_decay=0.0, sparsity_target=0.1,
            sparsity_cost=0.0, hidden_mean=np.zeros(H))
    step = (P - before).astype(np.float64)
    dW, db, dc = naive.exact_gradient(data, W, b, c)
    exact = pack_params(dW, dc, db).astype(np.float64)
    return step.ravel(), exact.ravel()


@pytest.mark.parametrize("cd_steps,persistent", [(1, False), (10, False), (1, True)])
def test_cd_update_points_along_exact_gradient(cd_steps, persistent, learning_seed,
                                               learning_check):
    step, exact = _cd_direction(cd_steps, persistent, seed=learning_seed)
    cosine = step @ exact / np.linalg.norm(step) / np.linalg.norm(exact)
    # more Gibbs steps (or persistent chains) approximate the gradient better
    learning_check("cosine(CD step, exact gradient)", cosine,
                   above=0.97 if cd_steps > 1 or persistent else 0.9)


def test_update_layout_sign_and_scale_match_the_gradient():
    # With chains frozen at the model distribution, PCD's update is the exact
    # gradient itself, not merely parallel to it.
    step, exact = _cd_direction(1, True, seed=3)
    assert_allclose(step, exact, atol=0.03)


@pytest.mark.parametrize(
    "params",
    [
        dict(cd_steps=1, n_iter=60),
        dict(cd_steps=5, n_iter=60),
        # PCD's chains need a gentler step to keep up with the weights.
        dict(persistent=True, n_iter=150, learning_rate=0.05, momentum=0.5),
    ],
    ids=["CD-1", "CD-5", "PCD-1"],
)
def test_training_raises_exact_log_likelihood_of_bars_and_stripes(params, learning_seed,
                                                                  learning_check):
    X = naive.bars_and_stripes(3)
    data = np.tile(X, (20, 1))
    rbm = BernoulliRBM(n_components=8, random_state=learning_seed, batch_size=14, **params)
    start = mean_log_likelihood(rbm.set_params(n_iter=0).fit(data), X)
    rbm.set_params(n_iter=params["n_iter"]).fit(data)
    end = mean_log_likelihood(rbm, X)
    # Uniform over the 14 patterns would be log(1/14) = -2.64; the untrained
    # model scores about -6.2. Over 8 seeds the worst run (CD-1) rose 1.50
    # nats to -4.74; the others rose 1.8 or more.
    learning_check("log-likelihood rise (nats)", end - start, above=1.0)
    learning_check("final log-likelihood (nats)", end, above=-5.2)


def test_free_energy_and_score_samples_against_enumeration(digits):
    X = naive.bars_and_stripes(3)
    rbm = BernoulliRBM(n_components=5, n_iter=5, random_state=0, batch_size=7).fit(X)
    W, b, c = naive.rbm_parts(rbm)
    assert_allclose(rbm.free_energy(X), naive.free_energy(X, W, b, c), rtol=1e-10)
    assert_allclose(rbm.score_samples(X), naive.pseudo_likelihood(X, W, b, c), rtol=1e-10)


def test_score_samples_is_deterministic_and_row_wise(digits):
    X, _ = digits
    rbm = BernoulliRBM(n_components=32, n_iter=2, random_state=0).fit(X[:300])
    full = rbm.score_samples(X[:50])
    assert_array_equal(full, rbm.score_samples(X[:50]))
    assert_array_equal(full[::-1], rbm.score_samples(X[:50][::-1]))
    assert_array_equal(full[10:20], rbm.score_samples(X[10:20]))


def test_transform_and_reconstruct_match_formulas(digits):
    X, _ = digits
    rbm = BernoulliRBM(n_components=16, n_iter=2, random_state=0).fit(X)
    W, b, c = naive.rbm_parts(rbm)
    H = naive.sigmoid(X @ W + c)
    assert_allclose(rbm.transform(X), H, rtol=1e-10)
    assert_allclose(rbm.reconstruct(X), naive.sigmoid(H @ W.T + b), rtol=1e-10)
    assert rbm.transform(X.astype(np.float32)).dtype == np.float32
    assert_allclose(rbm.transform(X.astype(np.float32)), H, atol=1e-5)


def test_gibbs_returns_binary_states_with_model_frequencies():
    rbm = BernoulliRBM(n_components=3, n_iter=0, random_state=0).fit(np.eye(4))
    v = np.tile([[1.0, 0.0, 1.0, 0.0]], (40000, 1))
    out = rbm.gibbs(v)
    assert set(np.unique(out)) <= {0.0, 1.0}
    W, b, c = naive.rbm_parts(rbm)
    # exact P(v' = 1 | v) = sum_h P(h | v) sigmoid(h W^T + b)
    ph = naive.sigmoid(v[0] @ W + c)
    hs = naive.all_states(3)
    weights = np.prod(np.where(hs == 1, ph, 1 - ph), axis=1)
    expected = weights @ naive.sigmoid(hs @ W.T + b)
    assert_allclose(out.mean(0), expected, atol=0.01)


# ------------------------------------------------------------ inputs


def test_float32_float64_and_sparse_inputs_train_the_same_model(digits):
    X, _ = digits
    kw = dict(n_components=20, n_iter=3, random_state=0, persistent=True)
    ref = BernoulliRBM(**kw).fit(X)
    for data in (X.astype(np.float32), sp.csr_matrix(X), sp.csr_array(X)):
        other = BernoulliRBM(**kw).fit(data)
        assert_allclose(other.components_, ref.components_, rtol=1e-5, atol=1e-6)
        assert_allclose(other.intercept_visible_, ref.intercept_visible_, rtol=1e-5)
    assert_allclose(BernoulliRBM(**kw).fit(X).transform(sp.csr_matrix(X)), ref.transform(X))


def test_memmap_input_is_read_in_place(tmp_path, digits):
    X, _ = digits
    path = tmp_path / "x.dat"
    mm = np.memmap(path, dtype=np.float64, mode="w+", shape=X.shape)
    mm[:] = X
    mm.flush()
    ro = np.memmap(path, dtype=np.float64, mode="r", shape=X.shape)
    kw = dict(n_components=10, n_iter=2, random_state=0)
    a = BernoulliRBM(**kw).fit(ro)
    b = BernoulliRBM(**kw).fit(X)
    assert_array_equal(a.components_, b.components_)
    assert_array_equal(a.transform(ro), b.transform(X))


class SliceOnly:
    """A lazily sliced array-like (like an h5py data set): no __array__."""

    def __init__(self, X):
        self._X = X
        self.shape = X.shape
        self.dtype = X.dtype
        self.reads = 0
        self.rows_read = 0

    def __getitem__(self, key):
        assert isinstance(key, slice), "only contiguous slices may be read"
        self.reads += 1
        block = self._X[key]
        self.rows_read += len(block)
        return block


def test_lazy_array_like_is_read_in_slices(digits):
    X, _ = digits
    lazy = SliceOnly(X)
    rbm = BernoulliRBM(n_components=10, n_iter=2, random_state=0).fit(lazy)
    assert lazy.reads > 10
    assert rbm.n_features_in_ == 64
    assert_allclose(rbm.transform(lazy), rbm.transform(X))
    with pytest.raises(ValueError, match="NaN or infinity"):
        bad = X.copy()
        bad[5, 3] = np.nan
        BernoulliRBM(n_iter=1).fit(SliceOnly(bad))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_scattered_labeled_rows_of_a_lazy_array_are_read_alone():
    from dbn import DBNClassifier

    X = np.random.default_rng(0).random((20000, 8))
    y = np.full(len(X), -1)
    labeled = np.arange(0, 20000, 1000)  # 20 rows, 1,000 apart
    y[labeled] = np.arange(20) % 2
    lazy = SliceOnly(X)
    clf = DBNClassifier((4,), pretrain_epochs=0, max_iter=5, unlabeled=-1,
                        random_state=0).fit(lazy, y)
    # Validation reads every row once; 5 epochs over the labeled rows read
    # just those 20 rows each, where one slice per batch read ~19,000.
    assert lazy.rows_read <= len(X) + 5 * len(labeled)
    assert_allclose(clf.predict_proba(X[labeled]), clf.predict_proba(lazy)[labeled])


def test_integer_input_trains_in_float32_and_transforms_to_float64():
    # Training reads integer rows as float32 (no float64 copy of the data):
    # the same model as from the float32 copy. Features come in float64, as
    # scikit-learn gives them for integer input.
    X = np.random.default_rng(0).integers(0, 2, size=(50, 6))
    kw = dict(n_components=3, n_iter=1, random_state=0)
    rbm = BernoulliRBM(**kw).fit(X)
    assert_array_equal(rbm.components_, BernoulliRBM(**kw).fit(X.astype(np.float32)).components_)
    assert rbm.transform(X).dtype == np.float64


def test_data_outside_unit_interval_warns_with_advice():
    X = np.random.default_rng(0).normal(size=(30, 4))
    with pytest.warns(DataRangeWarning, match=r"\[0, 1\].*MinMaxScaler"):
        BernoulliRBM(n_components=2, n_iter=1).fit(X)


# ------------------------------------------------------- reproducibility


def test_random_state_gives_identical_models(digits):
    X, _ = digits
    kw = dict(n_components=16, n_iter=3, random_state=42)
    a, b = BernoulliRBM(**kw).fit(X), BernoulliRBM(**kw).fit(X)
    assert_array_equal(a.components_, b.components_)
    c = BernoulliRBM(**{**kw, "random_state": 43}).fit(X)
    assert not np.array_equal(a.components_, c.components_)


@pytest.mark.parametrize("persistent", [False, True])
def test_partial_fit_equals_fit_on_the_same_batches(digits, persistent):
    X, _ = digits
    kw = dict(n_components=16, random_state=0, persistent=persistent, batch_size=64)
    full = BernoulliRBM(n_iter=7, **kw).fit(X)
    inc = BernoulliRBM(**kw)
    for _ in range(7):
        assert inc.partial_fit(X) is inc
    assert_array_equal(inc.components_, full.components_)
    assert_array_equal(inc.intercept_hidden_, full.intercept_hidden_)
    assert inc.n_iter_ == full.n_iter_ == 7
    assert len(inc.history_["reconstruction_error"]) == 7


def test_fit_restarts_and_partial_fit_continues(digits):
    X, _ = digits
    rbm = BernoulliRBM(n_components=8, n_iter=2, random_state=0).fit(X)
    first = rbm.components_.copy()
    rbm.partial_fit(X)
    assert rbm.n_iter_ == 3 and not np.array_equal(first, rbm.components_)
    rbm.fit(X)
    assert rbm.n_iter_ == 2
    assert_array_equal(rbm.components_, first)


# ------------------------------------------------------------- training


def test_history_and_verbose_report_each_epoch(digits, capsys, learning_seed,
                                               learning_check):
    X, _ = digits
    rbm = BernoulliRBM(n_components=32, n_iter=8, random_state=learning_seed,
                       verbose=1).fit(X)
    errors = rbm.history_["reconstruction_error"]
    assert len(errors) == len(rbm.history_["epoch_time"]) == 8
    learning_check("last / first reconstruction error", errors[-1] / errors[0], below=0.7)
    out = capsys.readouterr().out
    assert out.count("epoch") == 8 and "reconstruction error" in out


def test_trained_features_beat_untrained_ones(digits, learning_seed, learning_check):
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )

    def accuracy(n_iter):
        pipe = make_pipeline(
            BernoulliRBM(n_components=100, n_iter=n_iter, random_state=learning_seed),
            LogisticRegression(max_iter=1000),
        )
        return pipe.fit(X_train, y_train).score(X_test, y_test)

    trained, untrained = accuracy(20), accuracy(0)
    learning_check("test accuracy of trained features", trained, above=0.92)
    learning_check("gain over untrained features", trained - untrained, above=0.05)


def test_sparsity_penalty_lowers_mean_activation(digits, learning_seed, learning_check):
    X, _ = digits
    kw = dict(n_components=32, n_iter=5, random_state=learning_seed)
    free = BernoulliRBM(**kw).fit(X).transform(X).mean()
    sparse = BernoulliRBM(sparsity_target=0.02, sparsity_cost=0.5, **kw).fit(X)
    learning_check("sparse / free mean activation", sparse.transform(X).mean() / free,
                   below=0.5)


def test_weight_decay_shrinks_weights(digits, learning_seed, learning_check):
    X, _ = digits
    kw = dict(n_components=16, n_iter=5, random_state=learning_seed)
    plain = np.abs(BernoulliRBM(weight_decay=0.0, **kw).fit(X).components_).mean()
    decayed = np.abs(BernoulliRBM(weight_decay=0.05, **kw).fit(X).components_).mean()
    learning_check("decayed / plain mean |W|", decayed / plain, below=0.8)


@pytest.mark.filterwarnings("ignore::dbn.DataRangeWarning")
def test_divergence_raises_clear_error_and_keeps_previous_model(digits):
    X, _ = digits
    rbm = BernoulliRBM(n_components=8, n_iter=1, random_state=0).fit(X)
    before = rbm.components_.copy()
    with pytest.raises(DivergenceError, match="learning_rate"):
        rbm.set_params(learning_rate=1e38, momentum=0.0, initial_momentum=0.0).partial_fit(X * 1e3)
    assert_array_equal(rbm.components_, before)


# ---------------------------------------------------------- integration


def test_pipeline_gridsearch_clone_pickle(digits):
    X, y = digits
    pipe = make_pipeline(
        BernoulliRBM(n_iter=30, random_state=0), LogisticRegression(max_iter=300)
    )
    grid = GridSearchCV(pipe, {"bernoullirbm__n_components": [16, 32]}, cv=2)
    grid.fit(X[:400], y[:400])
    # both candidates fitted and scored (a failed fit leaves NaN), and the refit
    # pipeline carries the winning number of components
    assert np.all(grid.cv_results_["mean_test_score"] > 0.5), grid.cv_results_
    best = grid.best_params_["bernoullirbm__n_components"]
    assert grid.best_estimator_[0].components_.shape == (best, X.shape[1])
    rbm = grid.best_estimator_[0]
    copy = pickle.loads(pickle.dumps(rbm))
    assert_array_equal(copy.transform(X), rbm.transform(X))
    assert clone(rbm).get_params() == rbm.get_params()
    names = rbm.get_feature_names_out()
    assert names[0] == "bernoullirbm0" and len(names) == rbm.n_components


def test_pickled_model_can_continue_training(digits):
    X, _ = digits
    a = BernoulliRBM(n_components=8, n_iter=2, random_state=0, persistent=True).fit(X)
    b = pickle.loads(pickle.dumps(a))
    assert_array_equal(a.partial_fit(X).components_, b.partial_fit(X).components_)


@pytest.mark.parametrize("mode, by_pread", [("r", True), ("r+", True), ("c", False)])
def test_memmap_rows_are_read_without_mapping_them(tmp_path, digits, mode, by_pread):
    """Random rows of a shared memmap are read with pread (the file's pages
    never become the process's resident memory); the model is the same."""
    from dbn import DBN
    from dbn._data import validate_rows

    X = digits[0].astype(np.float32)
    np.save(tmp_path / "x.npy", X)
    mm = np.load(tmp_path / "x.npy", mmap_mode=mode)
    source = validate_rows(DBN(), mm, reset=True)
    assert (source._file is not None) is by_pread
    # A view of the memmap falls back to the mapping, with the same result.
    assert validate_rows(DBN(), mm[10:], reset=True)._file is None
    kw = dict(hidden_layer_sizes=(16, 8), pretrain_epochs=2, random_state=0)
    a, b = DBN(**kw).fit(mm), DBN(**kw).fit(X)
    for ra, rb in zip(a.rbms_, b.rbms_, strict=True):
        assert_array_equal(ra.components_, rb.components_)
    assert_array_equal(DBN(**kw).fit(mm[10:]).transform(X), DBN(**kw).fit(X[10:]).transform(X))
