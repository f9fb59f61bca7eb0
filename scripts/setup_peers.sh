#!/bin/sh
# Creates a Python environment with the peers `neurite bench --against pytorch,jax` measures:
# PyTorch (the PyPI wheel computes on the CPU here), JAX for the CPU, and NumPy for the GEMM rows.
#   scripts/setup_peers.sh [DIRECTORY]     (default: .peers)
# then:  NEURITE_PYTHON=DIRECTORY/bin/python neurite bench --against pytorch,jax
set -eu
directory=${1:-.peers}
python3 -m venv "$directory"
"$directory/bin/pip" install --upgrade pip
"$directory/bin/pip" install numpy torch "jax[cpu]"
"$directory/bin/python" -c 'import torch, jax, numpy; print("torch", torch.__version__, "jax", jax.__version__, "numpy", numpy.__version__)'
echo "NEURITE_PYTHON=$directory/bin/python neurite bench --against pytorch,jax"
