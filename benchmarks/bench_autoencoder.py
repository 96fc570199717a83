"""Deep autoencoder against PCA on Fashion-MNIST (Hinton & Salakhutdinov 2006).

A 784-1000-500-250-30 DBNAutoencoder (defaults: 20 CD-1 epochs per layer, a
linear code layer, Adam fine-tuning on cross-entropy) is trained on the 60,000
training images and reconstructs the 10,000 test images; its mean squared
error per pixel is compared with PCA(30) fitted on the same images, and with
the same autoencoder from random init (``pretrain_epochs=0``, otherwise
identical). Test error is recorded after every fine-tuning epoch (the head
start, as a plot). Then the paper's figure 3: a 784-1000-500-250-2
autoencoder against PCA(2), the 2-D test codes drawn coloured by class, and
the accuracy of a 5-nearest-neighbour classifier on the 2-D codes.

Usage: python benchmarks/bench_autoencoder.py [--quick] [--seeds 2] [--epochs 30]
Fashion-MNIST: apt-get install -y dataset-fashion-mnist
"""

import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import (  # noqa: E402
    experiment_arguments,
    fashion_or_exit,
    mean_band,
    save,
    save_plot,
    table,
)

CLASSES = ["T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker",
           "bag", "boot"]


def fit_with_test_curve(ae, X, X_test):
    """Fit and return the test MSE per pixel after every fine-tuning epoch (read
    through the fit's private epoch hook) and the fit's seconds."""
    from dbn._nets.feedforward import predict_block

    # The activations are published after fit; the hook needs them during it.
    depth = len(ae.hidden_layer_sizes)
    code = "identity" if ae.code_units == "gaussian" else "sigmoid"
    activations = ["sigmoid"] * (depth - 1) + [code] + ["sigmoid"] * depth
    curve = []

    def on_epoch(epoch, coefs, intercepts):
        out = predict_block(X_test, coefs, intercepts, activations[:-1], activations[-1],
                            np.float32)
        curve.append(float(np.mean((X_test - out) ** 2)))

    ae._validate_params()
    start = time.perf_counter()
    ae._fit(X, on_epoch=on_epoch)
    seconds = time.perf_counter() - start
    assert ae.activations_ == activations
    return curve, seconds


def mse(X, reconstruction):
    return float(np.mean((X - reconstruction) ** 2))


def main():
    from sklearn.decomposition import PCA
    from sklearn.neighbors import KNeighborsClassifier

    from dbn import DBNAutoencoder

    args = experiment_arguments(__doc__, seeds=2, extra=lambda p: p.add_argument(
        "--epochs", type=int, default=30, help="fine-tuning epochs (max_iter)"))
    warnings.simplefilter("ignore")
    X, y, Xt, yt = fashion_or_exit(6000 if args.quick else None)
    X, Xt = X.astype(np.float32), Xt.astype(np.float32)
    if args.quick:
        Xt, yt = Xt[:2000], yt[:2000]
    epochs = 3 if args.quick else args.epochs
    pretrain = 2 if args.quick else 20
    deep = (1000, 500, 250)

    pca_mse, pca_seconds, pca2 = {}, {}, None
    for k in (30, 2):
        start = time.perf_counter()
        pca = PCA(k, random_state=0).fit(X)
        pca_seconds[k] = time.perf_counter() - start
        pca_mse[k] = mse(Xt, pca.inverse_transform(pca.transform(Xt)))
        if k == 2:
            pca2 = pca
    print(f"PCA(30) test MSE {pca_mse[30]:.5f}, PCA(2) {pca_mse[2]:.5f}", flush=True)

    families = ["pretrained", "random init"]
    results = {code: {f: {"mse": [], "seconds": [], "curve": [], "knn": []} for f in families}
               for code in (30, 2)}
    codes_to_draw = {}
    for seed in range(args.seeds):
        for code in (30, 2):
            for family in families:
                ae = DBNAutoencoder((*deep, code), max_iter=epochs,
                                    pretrain_epochs=pretrain if family == "pretrained" else 0,
                                    random_state=seed)
                curve, seconds = fit_with_test_curve(ae, X, Xt)
                r = results[code][family]
                r["mse"].append(-ae.score(Xt))
                r["seconds"].append(seconds)
                r["curve"].append(curve)
                if code == 2:
                    knn = KNeighborsClassifier(5).fit(ae.transform(X), y)
                    r["knn"].append(float(knn.score(ae.transform(Xt), yt)))
                    if seed == 0 and family == "pretrained":
                        codes_to_draw["autoencoder"] = ae.transform(Xt)
                print(f"seed {seed}, {code}-D code, {family}: test MSE {r['mse'][-1]:.5f} "
                      f"in {seconds:.0f} s", flush=True)
    knn_pca = float(KNeighborsClassifier(5).fit(pca2.transform(X), y).score(
        pca2.transform(Xt), yt))
    codes_to_draw["PCA"] = pca2.transform(Xt)

    def row(name, values, reference, seconds, knn=None):
        cells = [name, f"{np.mean(values):.5f} ± {np.std(values):.5f}", f"{max(values):.5f}",
                 f"{np.mean(values) / reference:.2f}x", f"{np.mean(seconds):.0f}"]
        if knn is not None:
            cells.append(f"{np.mean(knn):.4f} ± {np.std(knn):.4f}")
        return cells

    rows30 = [row(f"autoencoder 784-1000-500-250-30, {f}", results[30][f]["mse"], pca_mse[30],
                  results[30][f]["seconds"]) for f in families]
    rows30.append(["PCA(30)", f"{pca_mse[30]:.5f}", f"{pca_mse[30]:.5f}", "1.00x",
                   f"{pca_seconds[30]:.0f}"])
    rows2 = [row(f"autoencoder 784-1000-500-250-2, {f}", results[2][f]["mse"], pca_mse[2],
                 results[2][f]["seconds"], results[2][f]["knn"]) for f in families]
    rows2.append(["PCA(2)", f"{pca_mse[2]:.5f}", f"{pca_mse[2]:.5f}", "1.00x",
                  f"{pca_seconds[2]:.0f}", f"{knn_pca:.4f}"])
    header = ["model", f"test MSE per pixel (mean ± std, {args.seeds} seeds)", "worst seed",
              "vs PCA", "fit seconds"]
    text = (f"### Deep autoencoder against PCA, Fashion-MNIST ({len(X)} training, {len(Xt)} "
            f"test images)\n\nDefaults except `max_iter={epochs}` fine-tuning epochs "
            f"(random init: `pretrain_epochs=0`, otherwise the same).\n\n"
            + table(header, rows30) + "\n\n"
            + table(header + ["5-NN accuracy on the 2-D test codes"], rows2)
            + "\n\nPlots: `bench_autoencoder_curve.png` (test MSE per fine-tuning epoch), "
            "`bench_autoencoder_codes.png` (2-D test codes, seed 0).")
    print(text)

    def draw_curve(fig):
        ax = fig.add_subplot()
        for family, color in zip(families, ("tab:blue", "tab:orange"), strict=True):
            mean, lo, hi = mean_band(results[30][family]["curve"])
            epochs_axis = np.arange(1, len(mean) + 1)
            ax.plot(epochs_axis, mean, color=color, label=family)
            ax.fill_between(epochs_axis, lo, hi, color=color, alpha=0.25)
        ax.axhline(pca_mse[30], color="0.3", linestyle="--", label="PCA(30)")
        ax.set_yscale("log")
        ax.set_xlabel("fine-tuning epoch")
        ax.set_ylabel("test MSE per pixel")
        ax.set_title("Fashion-MNIST, 784-1000-500-250-30 autoencoder\n"
                     f"(mean; band: min to max over {args.seeds} seeds)", fontsize=9)
        ax.legend()

    def draw_codes(fig):
        from dbn.plotting import plot_codes

        knn = {"autoencoder": results[2]["pretrained"]["knn"][0], "PCA": knn_pca}
        for ax, (name, codes) in zip(fig.subplots(1, 2), codes_to_draw.items(), strict=True):
            plot_codes(codes, yt, ax=ax, class_names=CLASSES,
                       title=f"{name}: 5-NN accuracy {knn[name]:.3f}")
            if name == "autoencoder":
                ax.get_legend().remove()

    save_plot("bench_autoencoder_curve", draw_curve)
    save_plot("bench_autoencoder_codes", draw_codes)
    save("bench_autoencoder", text, {
        "seeds": args.seeds, "quick": args.quick, "epochs": epochs, "pca_mse": pca_mse,
        "pca_seconds": pca_seconds, "knn_pca2": knn_pca,
        "results": {str(k): v for k, v in results.items()}})


if __name__ == "__main__":
    main()
