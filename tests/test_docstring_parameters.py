"""Every public estimator documents exactly its ``__init__`` parameters, with
their defaults, and no shared-docstring placeholder (``%(key)s``, see
``dbn._utils.docstrings``) is left unfilled in a public docstring."""

import ast
import inspect
import re
import textwrap

import pytest

import dbn
import dbn.datasets
import dbn.plotting
from dbn._utils import docstrings
from dbn._utils.docstrings import docdict, fill_doc

ESTIMATORS = [
    dbn.BernoulliRBM,
    dbn.GaussianRBM,
    dbn.DBN,
    dbn.DBNClassifier,
    dbn.DBNRegressor,
    dbn.DBNAutoencoder,
    dbn.RBMClassifier,
    dbn.GenerativeDBNClassifier,
]

PUBLIC = (
    [getattr(dbn, name) for name in dbn.__all__ if name != "__version__"]
    + [getattr(dbn.plotting, name) for name in dbn.plotting.__all__]
    + [getattr(dbn.datasets, name) for name in dbn.datasets.__all__]
)

#: A parameter line of a class docstring: ``    name : type`` or
#: ``    name_1, name_2 : type`` at exactly 4 spaces.
_PARAM_LINE = re.compile(r"^    (\w+(?:, \w+)*) :(.*)$")
#: A section underline at the class docstring's indentation.
_UNDERLINE = re.compile(r"^    -+$")


def _section(doc, title):
    """The lines of numpydoc section ``title`` of a class docstring, up to the
    next section. Sections are read at 4 spaces, as a class body writes them
    (Python 3.13 strips that indentation from ``__doc__``; put it back)."""
    lines = textwrap.indent(inspect.cleandoc(doc), "    ").splitlines()
    for i in range(len(lines) - 1):
        if lines[i] == f"    {title}" and _UNDERLINE.match(lines[i + 1]):
            body = []
            for j in range(i + 2, len(lines)):
                if j + 1 < len(lines) and _UNDERLINE.match(lines[j + 1]):
                    break
                body.append(lines[j])
            return body
    raise AssertionError(f"no {title!r} section")


def documented_parameters(cls):
    """``{name: default text or None}`` from the Parameters section."""
    params = {}
    for line in _section(cls.__doc__, "Parameters"):
        match = _PARAM_LINE.match(line)
        if not match:
            continue
        names = match.group(1).split(", ")
        default = re.search(r"default=(.*)$", match.group(2))
        for name in names:
            assert name not in params, f"{cls.__name__}: {name} documented twice"
            params[name] = (names, default.group(1) if default else None)
    return params


def init_parameters(cls):
    return {name: p for name, p in inspect.signature(cls.__init__).parameters.items()
            if name != "self"}


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_parameters_section_documents_every_init_parameter(cls):
    documented = set(documented_parameters(cls))
    expected = set(init_parameters(cls))
    assert documented == expected, (
        f"{cls.__name__}: undocumented {sorted(expected - documented)}, "
        f"documented but not parameters {sorted(documented - expected)}"
    )


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_documented_defaults_are_the_init_defaults(cls):
    signature = init_parameters(cls)
    for name, (names, text) in documented_parameters(cls).items():
        assert text is not None, f"{cls.__name__}.{name} documents no default"
        value = ast.literal_eval(text)
        if len(names) > 1:  # "beta_1, beta_2 : float, default=0.9, 0.999"
            value = value[names.index(name)]
        assert value == signature[name].default, (
            f"{cls.__name__}.{name}: documented default={text}, "
            f"__init__ has {signature[name].default!r}"
        )


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_attributes_section_entries_are_indented_like_parameters(cls):
    attributes = [line for line in _section(cls.__doc__, "Attributes")
                  if _PARAM_LINE.match(line)]
    assert attributes, f"{cls.__name__} documents no attributes"
    assert any(line.startswith("    n_features_in_ :") for line in attributes)


def _public_docstrings():
    for obj in PUBLIC:
        yield f"{obj.__module__}.{obj.__qualname__}", obj.__doc__
        if inspect.isclass(obj):
            for name, member in inspect.getmembers(obj):
                if not name.startswith("_") and (inspect.isfunction(member)
                                                 or inspect.ismethod(member)
                                                 or isinstance(member, property)):
                    yield f"{obj.__qualname__}.{name}", member.__doc__
    for module in {inspect.getmodule(obj) for obj in PUBLIC}:
        yield module.__name__, module.__doc__


def test_no_placeholder_is_left_in_a_public_docstring():
    left = [where for where, doc in _public_docstrings() if doc and "%(" in doc]
    assert not left, f"unfilled %(...)s placeholders in {left}"


def test_every_shared_entry_is_used():
    sources = [inspect.getsource(inspect.getmodule(cls)) for cls in ESTIMATORS]
    unused = [key for key in docdict
              if not any(f"%({key})s" in source for source in sources)]
    assert not unused, f"docdict entries no docstring uses: {unused}"


def test_shared_entries_are_numpydoc_blocks_without_indentation():
    for key, entry in docdict.items():
        first, *rest = entry.split("\n")
        assert entry == entry.strip("\n") and not first.startswith(" "), key
        if key.startswith("notes_"):  # a paragraph of a Notes section
            assert not any(line.startswith(" ") for line in rest), key
        else:  # "name : type" and its description, indented by 4
            assert re.match(r"\w+(, \w+)* : ", first), key
            assert rest and all(line.startswith("    ") for line in rest), key


def test_fill_doc_indents_entries_and_refuses_unknown_placeholders():
    @fill_doc
    class Documented:
        """Title.

        Parameters
        ----------
        %(n_jobs)s
        """

    assert ("\nn_jobs : int, default=None\n    Threads of"
            in inspect.cleandoc(Documented.__doc__))

    class Misspelt:
        """Title.

        %(n_jobz)s
        """

    with pytest.raises(KeyError, match=r"Misspelt.*%\(n_jobz\)s"):
        fill_doc(Misspelt)
    assert docstrings.__all__ == ["docdict", "fill_doc"]
