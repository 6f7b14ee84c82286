"""Per document, the database holds what the files declare: a count anyone can check."""

import pytest

from duty_desk.seed import loader

DOCUMENTS = ("000", "001", "002", "003")


@pytest.fixture(scope="module")
def counted(_seeded_template, tmp_path_factory):
    from duty_desk.models.storage import db as dbmod
    from duty_desk.models.storage.schema import open_database
    import shutil

    path = tmp_path_factory.mktemp("counts") / "duty.db"
    shutil.copy(_seeded_template, path)
    open_database(path)
    try:
        yield {doc.code: doc for doc in loader.summary()}
    finally:
        dbmod.close()


@pytest.mark.parametrize("code", DOCUMENTS)
def test_loaded_counts_equal_the_declared_counts(counted, code):
    doc = counted[code]
    assert doc.loaded == doc.declared
    assert doc.declared["positions"] > 0 and doc.declared["duties"] > 0


def test_the_files_declare_their_counts():
    """Every file states what it holds, so a reader can check it against the document."""
    import tomllib

    for path in loader.DATA_DIR.glob("*.toml"):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        assert doc["document"]["counts"] == loader.file_counts(doc), path.name


def test_the_figures_in_the_readme(counted):
    from pathlib import Path

    readme = (Path(loader.__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"{sum(d.declared['positions'] for d in counted.values())} positions" in readme
    for code, doc in counted.items():
        row = " | ".join([f"| `{code}`", *(str(doc.declared[k]) for k in
                                            ("departments", "positions", "duties", "standards", "appraisal", "rules"))])
        assert row + " |" in readme, row
