# Sourced by the scripts: the environment Reflex needs to build with our bun.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$root/.tools/node_modules/.bin:$root/.venv/bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
# Pick the npm registry explicitly, so Reflex does not probe mirrors.
export NPM_CONFIG_REGISTRY=${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}
export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"
