"""Pure path rules of the file API and the local store."""

import pytest

from shared.errors import Invalid
from shared.services.downloads import clean_relative_path
from shared.storage.local_files import InvalidPath, check_path


@pytest.mark.parametrize("good", ["es/captions.vtt", "en/accessible-burned-in.mp4", "qc.json", "en-GB/narration.m4a"])
def test_clean_paths_pass(good):
    assert clean_relative_path(good) == good
    assert check_path(good) == good


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "..",
        "../x",
        "en/../../x",
        "en/..",
        "/etc/passwd",
        "\\windows",
        "en\\..\\x",
        "%2e%2e/x",
        "%252e%252e/x",
        "en%2f..%2fx",
        "C:/x",
        "c:\\x",
        "./en/x",
        "en/./x",
        "en//x",
        "en/x\x00",
        "en/\nx",
    ],
)
def test_traversal_forms_refused(bad):
    with pytest.raises(Invalid):
        clean_relative_path(bad)


@pytest.mark.parametrize("bad", ["", "/a", "a/../b", "a//b", "a\\b", "a/%2e", "a/.avp-tmp-1-x", "x" * 2000])
def test_store_paths_refused(bad):
    with pytest.raises(InvalidPath):
        check_path(bad)
