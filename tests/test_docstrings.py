"""Every public class and function documents itself with numpydoc sections and
an Examples section, and those examples run (as doctests, here)."""

import doctest
import inspect
import warnings

import numpy as np
import pytest

import dbn
import dbn.datasets
import dbn.plotting

PUBLIC = (
    [getattr(dbn, name) for name in dbn.__all__ if name != "__version__"]
    + [getattr(dbn.plotting, name) for name in dbn.plotting.__all__]
    + [getattr(dbn.datasets, name) for name in dbn.datasets.__all__]
)


def _id(obj):
    return f"{obj.__module__}.{obj.__qualname__}"


@pytest.mark.parametrize("obj", PUBLIC, ids=_id)
def test_public_object_has_numpydoc_examples(obj):
    doc = inspect.getdoc(obj)
    assert doc, f"{_id(obj)} has no docstring"
    assert "\nExamples\n--------\n" in doc, f"{_id(obj)} has no Examples section"
    if inspect.isfunction(obj) or (inspect.isclass(obj) and not issubclass(obj, Warning)
                                   and not issubclass(obj, Exception)):
        assert "\nParameters\n----------\n" in doc, f"{_id(obj)} documents no Parameters"


@pytest.mark.parametrize("obj", PUBLIC, ids=_id)
def test_docstring_examples_run(obj):
    pytest.importorskip("matplotlib") if obj.__module__ == "dbn.plotting" else None
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in finder.find(obj, _id(obj), globs={"np": np}) if t.examples]
    assert tests, f"{_id(obj)}: no doctest found"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for test in tests:
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{_id(obj)}: {result.failed} doctest example(s) failed"
