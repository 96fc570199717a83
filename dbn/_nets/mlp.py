"""The fine-tuned net as a fitted scikit-learn MLP (``to_mlp``)."""

import numpy as np

#: scikit-learn's MLP names of the hidden activations.
SKLEARN_ACTIVATION = {"sigmoid": "logistic", "relu": "relu"}


def as_sklearn_mlp(net, mlp_class):
    """A ``mlp_class`` (MLPClassifier or MLPRegressor) holding ``net``'s
    layers (float64 copies) and training record; the caller sets the output
    activation and what the outputs mean."""
    mlp = mlp_class(hidden_layer_sizes=tuple(W.shape[1] for W in net.coefs_[:-1]),
                    activation=SKLEARN_ACTIVATION[net._hidden_activation])
    mlp.coefs_ = [W.astype(np.float64) for W in net.coefs_]
    mlp.intercepts_ = [b.astype(np.float64) for b in net.intercepts_]
    mlp.n_features_in_ = net.n_features_in_
    if hasattr(net, "feature_names_in_"):
        mlp.feature_names_in_ = net.feature_names_in_
    mlp.n_layers_ = net.n_layers_
    mlp.n_outputs_ = net.n_outputs_
    mlp.n_iter_ = net.n_iter_
    mlp.loss_ = net.loss_
    mlp.loss_curve_ = list(net.loss_curve_)
    mlp.best_loss_ = net.best_loss_
    mlp.t_ = 0
    return mlp
