# shellcheck shell=bash
# Finds a JDK 25 or newer for ./sluice and .ci/run; source it, then call sluice_use_jdk25.
#
# Order: $JAVA_HOME if it holds Java 25+; else the first /usr/lib/jvm/*25* that does; else `java` on the PATH if
# it is 25+. On success JAVA_HOME is exported and the function returns 0; otherwise it prints why on stderr and
# returns 1 (it never exits, so it is safe to source from any script).

# Prints the feature version (8, 17, 25, ...) of the JDK at $1, or nothing when $1/bin/java is not a JDK.
sluice_jdk_feature_version() {
    local home="$1" line version
    [[ -x "$home/bin/java" ]] || return 0
    if [[ -r "$home/release" ]]; then
        line="$(grep -m1 '^JAVA_VERSION=' "$home/release" || true)"
    fi
    if [[ -z "${line:-}" ]]; then
        line="$("$home/bin/java" -version 2>&1 | grep -m1 ' version "' || true)"
    fi
    version="$(sed -E 's/.*"([^"]*)".*/\1/' <<<"$line")"
    version="${version#1.}"                  # 1.8.0_402 -> 8.0_402
    version="${version%%[!0-9]*}"            # 25.0.1 -> 25, 26-ea -> 26
    printf '%s' "$version"
}

sluice_is_jdk25() {
    local version
    version="$(sluice_jdk_feature_version "$1")"
    [[ -n "$version" ]] && ((version >= 25))
}

# Exports JAVA_HOME pointing at a JDK 25+, or prints why it cannot and returns 1.
sluice_use_jdk25() {
    local candidate java_on_path
    if [[ -n "${JAVA_HOME:-}" ]] && sluice_is_jdk25 "$JAVA_HOME"; then
        export JAVA_HOME
        return 0
    fi
    for candidate in /usr/lib/jvm/*25*; do
        if sluice_is_jdk25 "$candidate"; then
            if [[ -n "${JAVA_HOME:-}" ]]; then
                echo "sluice: JAVA_HOME=$JAVA_HOME is not a JDK 25 or newer; using $candidate" >&2
            fi
            export JAVA_HOME="$candidate"
            return 0
        fi
    done
    java_on_path="$(command -v java || true)"
    if [[ -n "$java_on_path" ]]; then
        candidate="$(cd "$(dirname "$(readlink -f "$java_on_path")")/.." && pwd)"
        if sluice_is_jdk25 "$candidate"; then
            export JAVA_HOME="$candidate"
            return 0
        fi
    fi
    echo "sluice: no JDK 25 found (JAVA_HOME='${JAVA_HOME:-}', /usr/lib/jvm/*25*, java on the PATH);" \
        "install one and set JAVA_HOME, for example JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64" >&2
    return 1
}
