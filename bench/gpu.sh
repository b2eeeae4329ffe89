#!/usr/bin/env bash
# Builds OpenTier with ONNX Runtime's CUDA build (-Pgpu) and runs `bench embed` on the GPU.
# Needs: an NVIDIA GPU with the CUDA 12 runtime and cuDNN 9 that ONNX Runtime's GPU jar expects,
# a JDK 21+, Maven, and access to Maven Central (or a local repository that has the jars).
# Not yet run: the GPU machines lent to sessions so far have no JDK and no route to Maven Central.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
chunks="${1:-20000}"
mvn -B -q -ntp -Pgpu -DskipTests install
cp="$(ls bench/target/opentier-bench-*.jar | grep -v tests):bench/target/lib/*"
OPENTIER_EMBEDDING_DEVICE=cuda OPENTIER_EMBEDDING_BATCH="${OPENTIER_EMBEDDING_BATCH:-256}" OPENTIER_EMBEDDING_THREADS="${OPENTIER_EMBEDDING_THREADS:-4}" \
  java --enable-native-access=ALL-UNNAMED -cp "$cp" dev.opentier.bench.BenchEmbed \
  "${OPENTIER_BENCH_CORPUS:-}" "$chunks" --opentier-only
