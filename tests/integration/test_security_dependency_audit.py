"""The dependency audit scripts/deploy runs first (decision 0908): findings stop it unless
waived with a reason, and an audit that could not reach its database refuses to go on. This
machine cannot reach PyPI's vulnerability data, which is exactly the refusal case, tested with
the real pip-audit; the verdict logic is tested on pip-audit's JSON report format."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "audit-requirements"


def _module():
    loader = importlib.machinery.SourceFileLoader("audit_requirements", str(SCRIPT))
    spec = importlib.util.spec_from_loader("audit_requirements", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


audit = _module()


def _report(*deps):
    return {"dependencies": list(deps), "fixes": []}


VULN = {"id": "PYSEC-2026-1", "aliases": ["CVE-2026-0001", "GHSA-xxxx-yyyy-zzzz"], "fix_versions": ["3.1.4"]}


def test_clean_report_passes():
    assert audit.evaluate(_report({"name": "flask", "version": "3.1.3", "vulns": []}), {}) == ([], [])


def test_a_finding_is_reported_unless_waived_with_a_reason(tmp_path):
    report = _report({"name": "flask", "version": "3.1.3", "vulns": [VULN]})
    open_, waived = audit.evaluate(report, {})
    assert len(open_) == 1 and "PYSEC-2026-1" in open_[0] and "3.1.4" in open_[0]
    waivers = tmp_path / "w.txt"
    waivers.write_text("# comment\nCVE-2026-0001 flask the debugger route is not exposed in production\n")
    open_, waived = audit.evaluate(report, audit.load_waivers(waivers))
    assert open_ == [] and "debugger route" in waived[0]
    waivers.write_text("CVE-2026-0001 flask\n")
    with pytest.raises(audit.AuditError, match="reason"):
        audit.load_waivers(waivers)


def test_skipped_or_empty_audits_are_refused():
    skipped = {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1.3)"}
    with pytest.raises(audit.AuditError, match="could not audit 1 of 2"):
        audit.evaluate(_report(skipped, {"name": "werkzeug", "version": "3.1.9", "vulns": []}), {})
    with pytest.raises(audit.AuditError, match="no dependency"):
        audit.evaluate(_report(), {})


def test_unpinned_requirements_are_refused(tmp_path):
    req = tmp_path / "r.txt"
    req.write_text("flask==3.1.3\ngoogle-cloud-storage\n")
    with pytest.raises(audit.AuditError, match="not pinned"):
        audit.check_pinned(req)
    req.write_text("flask==3.1.3 \\\n    --hash=sha256:" + "a" * 64 + "\n")
    assert audit.check_pinned(req) is True


@pytest.mark.slow  # the real pip-audit waits out the unreachable vulnerability API (5-15 s)
def test_the_real_pip_audit_without_its_database_refuses(tmp_path):
    """Here pypi.org's vulnerability API is unreachable: pip-audit prints "No known
    vulnerabilities found" and exits 0, having audited nothing. The script must refuse."""
    req = tmp_path / "requirements.txt"
    req.write_text("flask==3.1.3\n")
    proc = subprocess.run([sys.executable, str(SCRIPT), str(req)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == audit.UNAUDITED, proc.stdout + proc.stderr
    assert "REFUSED" in proc.stderr and "Nothing was audited" in proc.stderr


def _deploy_dev_plan(tmp_path, **extra_env) -> subprocess.CompletedProcess:
    """scripts/deploy dev plan with a test project's variables file, `extra_env` on top."""
    tfvars = tmp_path / "dev.tfvars"
    tfvars.write_text('project_id = "avp-test-proj"\nregion = "europe-west4"\npublic_base_url = "https://x"\n')
    env = {k: v for k, v in os.environ.items() if k != "DRY_RUN"}
    env.update(AVP_TFVARS=str(tfvars), AVP_IMAGE_TAG="t1", **extra_env)
    return subprocess.run(
        [str(ROOT / "scripts" / "deploy"), "dev", "plan"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow  # the real pip-audit waits out the unreachable vulnerability API (5-15 s)
def test_deploy_stops_before_building_when_the_audit_cannot_run(tmp_path):
    proc = _deploy_dev_plan(tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Deployment stopped by the dependency audit" in proc.stderr and "REFUSED" in proc.stderr
    assert "Building function packages" not in proc.stdout and "terraform" not in proc.stdout.split("Auditing")[1]


def test_dry_run_shows_the_audit_first(tmp_path):
    proc = _deploy_dev_plan(tmp_path, DRY_RUN="1")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.index("scripts/audit-requirements requirements.txt") < out.index("scripts/build")
