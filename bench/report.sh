#!/usr/bin/env bash
# The benchmark report: runs every JMH suite listed in bench/report-suites.txt with the options recorded there,
# writes JMH JSON into bench/target/report/, and renders docs/benchmarks.md and docs/benchmarks/*.svg from it
# (dev.sluice.bench.report.Report).
#
#   bench/report.sh            full settings: about 30-40 minutes on 2 cores
#   bench/report.sh --quick    short settings: about 10-15 minutes; wide error bars
#   bench/report.sh --render   only re-render docs/ from the JSON already in bench/target/report/
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
# shellcheck source=../scripts/find-jdk25.sh
source scripts/find-jdk25.sh
sluice_use_jdk25

mode=full
case "${1:-}" in
    "") ;;
    --quick) mode=quick ;;
    --render) mode=render ;;
    *) echo "usage: bench/report.sh [--quick|--render]" >&2; exit 2 ;;
esac

suites=bench/report-suites.txt
results=bench/target/report
jar=bench/target/benchmarks.jar

echo "report: building $jar" >&2
./mvnw -q -B -pl bench -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true >&2

if [[ "$mode" != render ]]; then
    rm -rf "$results"
    mkdir -p "$results"
    {
        echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
        echo "cores=$(nproc) online ($(grep -c ^processor /proc/cpuinfo) in /proc/cpuinfo)"
        echo "memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
        echo "os=$(uname -sr)"
        echo "jdk=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.vm.vendor|java.runtime.version/ {printf "%s ", $2}')"
        echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
        echo "mode=$mode"
        echo "load=load average $(cut -d' ' -f1-3 /proc/loadavg) when the run started"
    } > "$results/machine.properties"
    while IFS='|' read -r name include _ours _peers options quick_options; do
        name="$(echo "$name" | xargs)"
        [[ -z "$name" || "$name" == \#* ]] && continue
        include="$(echo "$include" | xargs)"
        opts="$options"
        [[ "$mode" == quick ]] && opts="$quick_options"
        echo "report: $name ($include $opts)" >&2
        # shellcheck disable=SC2086 # the options are words
        "$JAVA_HOME/bin/java" -jar "$jar" "$include" $opts -rf json -rff "$results/$name.json" \
            > "$results/$name.log" 2>&1 || echo "report: $name failed; see $results/$name.log" >&2
    done < "$suites"
fi

"$JAVA_HOME/bin/java" -cp "$jar" dev.sluice.bench.report.Report "$suites" "$results" docs
echo "report: wrote docs/benchmarks.md and docs/benchmarks/*.svg" >&2
