"""scripts/deploy in dry-run mode: the commands it would run for a plan and an apply."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tfvars(tmp_path, monkeypatch):
    path = tmp_path / "dev.tfvars"
    path.write_text('project_id = "avp-test-proj"\nregion = "europe-west4"\npublic_base_url = "https://x"\n')
    monkeypatch.setenv("AVP_TFVARS", str(path))
    return path


def deploy(*args):
    env = {**os.environ, "DRY_RUN": "1", "AVP_IMAGE_TAG": "t123"}
    return subprocess.run(
        [str(ROOT / "scripts" / "deploy"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_plan_builds_and_plans_with_the_env_state_prefix(tfvars):
    proc = deploy("dev", "plan")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "scripts/build" in out
    assert (
        "terraform -chdir=terraform/root init -input=false -backend-config=bucket=avp-test-proj-avp-tfstate "
        "-backend-config=prefix=avp/dev"
    ) in out
    assert "data folder terraform/root/.terraform-dev" in out
    assert (
        f"plan -input=false -out=dev.tfplan -var-file={tfvars} "
        "-var websocket_image=europe-west4-docker.pkg.dev/avp-test-proj/avp/websocket:t123 -var env=dev"
    ) in out
    assert " apply " not in out and "gcloud builds submit" not in out


def test_apply_builds_the_websocket_image_then_applies_the_saved_plan(tfvars):
    proc = deploy("dev", "apply")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "gcloud builds submit build/websocket --project avp-test-proj --region europe-west4" in out
    assert "europe-west4-docker.pkg.dev/avp-test-proj/avp/websocket:t123" in out
    assert out.index("gcloud builds submit") < out.index("terraform -chdir=terraform/root plan")
    assert "apply -input=false dev.tfplan" in out


def test_bad_arguments_and_missing_configuration(tmp_path, monkeypatch):
    assert deploy("staging", "plan").returncode == 2
    assert deploy("dev", "destroy").returncode == 2
    monkeypatch.setenv("AVP_TFVARS", str(tmp_path / "absent.tfvars"))
    proc = deploy("prod", "plan")
    assert proc.returncode == 1 and "terraform.tfvars.example" in proc.stderr
