"""The browser-test harness: one real platform process (`python -m shared.local.serve` on a free
port, fresh data folder) shared by the test modules, or one of its own for a module that needs
other settings (`extra_platform_env`); Debian's Chromium driven by Playwright (never a downloaded
browser), a fresh browser context per test, a screenshot of every page of a failing test in
build/browser-failures/, and `axe_check` for accessibility.

Most of these tests' time is the real pipeline turning a generated video into captions and
descriptions. A module that needs such jobs declares `start_jobs(admin, video) -> dict`: the
session calls it for every collected module as soon as the shared platform is up, so the
pipeline works on all of them while the modules before run, and the module's own fixture finds
the result in `started_jobs[__name__]` and waits for the status it needs."""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.browser.support import ADMIN_EMAIL, ADMIN_PASSWORD, ApiUser
from tests.support.media import session_video
from tests.support.platform_process import PY, free_port, platform_env, running

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FAILURES = ROOT / "build" / "browser-failures"


_JOB_MODULES: dict = {}  # collected modules that declare start_jobs (module name -> module)
_DATA_DIRS: dict[str, Path] = {}  # platform base URL -> its data folder


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/browser" in str(item.fspath):
            item.add_marker(pytest.mark.slow)
            module = item.module
            if hasattr(module, "start_jobs"):
                _JOB_MODULES[module.__name__] = module


@pytest.fixture(scope="module")
def extra_platform_env() -> dict:
    """Settings a test module adds to the platform's environment (override this fixture);
    "{port}" in a value becomes the platform's port."""
    return {}


@contextmanager
def _platform(tmp_path_factory, extra_env: dict):
    if not (ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: run ./scripts/setup requirements-dev.txt")
    tmp = tmp_path_factory.mktemp("platform")
    port = free_port()
    env = platform_env(
        tmp / "data",
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
        AVP_PORT=port,
        **{k: str(v).replace("{port}", str(port)) for k, v in extra_env.items()},
    )
    log = tmp / "server.log"
    with running([PY, "-m", "shared.local.serve"], env, log) as base:
        url = base.replace("127.0.0.1", "localhost")
        _DATA_DIRS[url] = tmp / "data"
        yield url


@pytest.fixture(scope="session")
def shared_platform(tmp_path_factory):
    """The platform most modules share: started once (one start-up, one warm pipeline)."""
    with _platform(tmp_path_factory, {}) as base:
        yield base


@pytest.fixture(scope="module")
def platform_url(request, tmp_path_factory, extra_platform_env):
    """The module's platform: the shared one, or its own when the module adds settings."""
    if not extra_platform_env:
        yield request.getfixturevalue("shared_platform")
        return
    with _platform(tmp_path_factory, extra_platform_env) as base:
        yield base


@pytest.fixture(scope="session")
def started_jobs(request, tmp_path_factory) -> dict:
    """`start_jobs` of every collected module that has one, called on the shared platform at
    once (module name -> what it returned)."""
    if not _JOB_MODULES:
        return {}
    base = request.getfixturevalue("shared_platform")
    admin = ApiUser.sign_in(base, ADMIN_EMAIL, ADMIN_PASSWORD)
    video = session_video(tmp_path_factory)
    return {name: module.start_jobs(admin, video.path) for name, module in sorted(_JOB_MODULES.items())}


@pytest.fixture(scope="session", autouse=True)
def _pipeline_starts_first(request):
    """Before the first browser test: hand the pipeline every module's jobs (see above)."""
    if _JOB_MODULES:
        request.getfixturevalue("started_jobs")


@pytest.fixture(scope="module")
def platform_data(platform_url) -> Path:
    """The data folder of the module's platform (its files under files/), for a test that must
    break a job's file to make a step fail."""
    return _DATA_DIRS[platform_url]


@pytest.fixture(scope="module")
def admin(platform_url) -> ApiUser:
    return ApiUser.sign_in(platform_url, ADMIN_EMAIL, ADMIN_PASSWORD)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright  # heavy: only the browser tests load it

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: ./scripts/setup requirements-dev.txt installs Debian's chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"]
        )
        yield b
        b.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def new_context(browser, platform_url, request):
    """A factory of fresh browser contexts (separate cookies: a second person or tab group)."""
    contexts = []

    def make(**kw):
        ctx = browser.new_context(base_url=platform_url, viewport={"width": 1280, "height": 900}, **kw)
        ctx.set_default_timeout(15_000)
        errors: list[str] = []
        ctx.on("page", lambda p: p.on("pageerror", lambda e: errors.append(str(e))))
        ctx.page_errors = errors
        contexts.append(ctx)
        return ctx

    yield make
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-120:]
        for i, ctx in enumerate(contexts):
            for j, page in enumerate(ctx.pages):
                shot = FAILURES / f"{name}-{i}-{j}.png"
                try:
                    page.screenshot(path=str(shot), full_page=True)
                    print(f"screenshot of the failing page: {shot}")
                except Exception as exc:  # a crashed page cannot be photographed; say so
                    print(f"no screenshot of {page.url}: {exc}")
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()
