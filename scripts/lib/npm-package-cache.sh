# Sourced by the check scripts that run on other runtimes: fetches an npm
# package's contents (npm pack, so no install scripts run) into a cache
# directory, once. The caller defines log and die.

# fetch_npm_package CACHE SPEC MARKER: prints CACHE/<spec>, holding the
# package's files, fetching it unless MARKER (a path inside the package) is
# there already. A package without MARKER is an error, and is not kept.
fetch_npm_package() {
  local cache="$1" spec="$2" marker="$3"
  local dir="$cache/${spec//\//+}"
  [[ -e "$dir/$marker" ]] && { printf '%s\n' "$dir"; return; }
  mkdir -p "$cache"
  local scratch
  scratch="$(mktemp -d "$cache/.fetch.XXXXXX")"
  log "fetching $spec"
  (cd "$scratch" && npm pack --silent "$spec" >/dev/null) || { rm -rf "$scratch"; die "cannot fetch $spec from the npm registry"; }
  mkdir "$scratch/package-root"
  tar -xzf "$scratch"/*.tgz -C "$scratch/package-root" --strip-components=1
  [[ -e "$scratch/package-root/$marker" ]] || { rm -rf "$scratch"; die "$spec has no $marker"; }
  rm -rf "$dir"
  mv "$scratch/package-root" "$dir"
  rm -rf "$scratch"
  printf '%s\n' "$dir"
}
