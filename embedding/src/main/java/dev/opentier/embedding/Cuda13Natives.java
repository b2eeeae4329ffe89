package dev.opentier.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native libraries for the {@code -Pgpu-cuda13} build. Microsoft publishes ONNX Runtime's Java GPU
 * build for CUDA 12 only; for machines with CUDA 13 (driver 580+), that profile puts the JavaCPP
 * project's CUDA 13 build of the same ONNX Runtime version on the classpath, beside Microsoft's GPU
 * jar (whose JNI library, unlike the CPU jar's, can add the CUDA provider). Before ONNX Runtime's
 * Java API loads anything, this copies the CUDA 13 libraries (renamed to the names the Java API
 * loads) and that JNI library into one folder and points {@code onnxruntime.native.path} at it.
 * Does nothing in the other builds, or when {@code onnxruntime.native.path} is already set.
 */
final class Cuda13Natives {
  private static final Logger log = LoggerFactory.getLogger(Cuda13Natives.class);
  private static final String CUDA13 = "org/bytedeco/onnxruntime/linux-x86_64-gpu/";
  private static final String JNI = "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so";
  private static boolean prepared;

  private Cuda13Natives() {}

  static synchronized void prepare() {
    if (prepared) return;
    prepared = true;
    ClassLoader loader = Cuda13Natives.class.getClassLoader();
    if (System.getProperty("onnxruntime.native.path") != null || loader.getResource(CUDA13 + "libonnxruntime.so.1") == null) {
      return;
    }
    try {
      Path folder = Files.createTempDirectory("opentier-onnxruntime-cuda13");
      folder.toFile().deleteOnExit(); // registered first, so deleted after the files in it
      copy(loader, CUDA13 + "libonnxruntime.so.1", folder.resolve("libonnxruntime.so"));
      for (String name : List.of("libonnxruntime_providers_shared.so", "libonnxruntime_providers_cuda.so")) {
        copy(loader, CUDA13 + name, folder.resolve(name));
      }
      copy(loader, JNI, folder.resolve("libonnxruntime4j_jni.so"));
      System.setProperty("onnxruntime.native.path", folder.toString());
      log.info("ONNX Runtime: the CUDA 13 native build, copied to {}", folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy ONNX Runtime's CUDA 13 libraries", e);
    }
  }

  private static void copy(ClassLoader loader, String resource, Path target) throws IOException {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) throw new IOException(resource + " is not on the classpath");
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    target.toFile().deleteOnExit();
  }
}
