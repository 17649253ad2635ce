#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK, idempotently:
#   - numpy for Debian's python3 (the independent Hugging Face Llama reference in tests/reference);
#   - Jupyter's client libraries for it (jupyter_client with pyzmq, nbclient, nbformat): the kernel tests drive
#     `ttlora kernel` and run notebooks through them; nbconvert turns the executed guided notebooks into HTML;
#   - Node.js and npm (Hugging Face's own JS tokenizers are the reference for ours);
#   - Chromium (headless, to check that notebook charts render offline);
#   - Jupyter Notebook 6, the classic notebook server (a real front end the browser test drives).
#   - Slurm (slurmctld, slurmd, slurm-client) and munge: the scale-out tests start a private single-node cluster with
#     scripts/local-slurm.sh (its own state folder, ports and PID files); installing the packages starts no daemon
#     that the tests use.
# Safe to run repeatedly; installs only what is missing. Needs root (or sudo) only when something is missing.
set -euo pipefail

need=()
if ! /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1; then need+=(python3-numpy); fi
if ! /usr/bin/python3 -c 'import jupyter_client, zmq' >/dev/null 2>&1; then need+=(python3-jupyter-client); fi
if ! /usr/bin/python3 -c 'import nbclient' >/dev/null 2>&1; then need+=(python3-nbclient); fi
if ! /usr/bin/python3 -c 'import nbformat' >/dev/null 2>&1; then need+=(python3-nbformat); fi
if ! /usr/bin/python3 -c 'import nbconvert' >/dev/null 2>&1; then need+=(jupyter-nbconvert); fi
if ! command -v node >/dev/null 2>&1; then need+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then need+=(npm); fi
if ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi
if ! command -v jupyter-notebook >/dev/null 2>&1; then need+=(jupyter-notebook); fi
if ! command -v slurmctld >/dev/null 2>&1; then need+=(slurmctld); fi
if ! command -v slurmd >/dev/null 2>&1; then need+=(slurmd); fi
if ! command -v sbatch >/dev/null 2>&1; then need+=(slurm-client); fi
if ! command -v munged >/dev/null 2>&1 || ! command -v mungekey >/dev/null 2>&1; then need+=(munge); fi

if [ ${#need[@]} -eq 0 ]; then
  echo "test dependencies: all present (python3-numpy, python3-jupyter-client, python3-nbclient, python3-nbformat, jupyter-nbconvert, node, npm, chromium, jupyter-notebook, slurmctld, slurmd, slurm-client, munge)"
  exit 0
fi

echo "test dependencies: installing ${need[*]} with apt-get"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
